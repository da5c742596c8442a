"""The Dagster instance of a refresh run from the CLI: ephemeral, as `materialize`
uses by default, with its event log on the one connection it already holds and its
artifact folder in the warehouse."""

import shutil
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as db
from dagster import DagsterInstance
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.event_log.schema import AssetKeyTable
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import LocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class HeldConnectionEventLogStorage(InMemoryEventLogStorage):
    """Dagster's in-memory event log, each read and write on the SQLite connection it
    holds for its life. The stock storage opens a connection, and sets two pragmas,
    for every one: a demo refresh stores about 1,350 events (outputs, materializations,
    check results and their planned events) and reads the latest materialization of
    an asset for most, and that took 0.6 s of its 10. The
    storage's own lock still serializes them. Dagster is pinned (pyproject.toml):
    `_connect`, `has_table` and `_has_asset_key_col_on_connection` are its own,
    checked at each upgrade by tests/test_instance.py and every refresh test."""

    def __init__(self) -> None:
        super().__init__()
        self._held_conn.execute(db.text("PRAGMA foreign_keys=ON")).close()
        self._held_conn.commit()
        # The schema is made above and never changes: what storing an event asks of it
        # (tables, the asset key table's columns), read once, not by a new connection
        # and SQLite's catalog at every check result and materialization.
        inspector = db.inspect(self._held_conn)
        self._tables = set(inspector.get_table_names())
        self._asset_key_columns = {c["name"] for c in inspector.get_columns(AssetKeyTable.name)}
        self._held_conn.rollback()  # the transaction the reads began

    @contextmanager
    def _connect(self):
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn

    def has_table(self, table_name: str) -> bool:
        return table_name in self._tables

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        return column_name in self._asset_key_columns


class RunArtifactStorage(LocalArtifactStorage):
    """A refresh's artifact folder, in the warehouse (beside its lock), not in the
    system's temporary folder: a refresh killed outright cannot remove it, and there
    each kill left a folder behind; here the next refresh removes it."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)  # a killed refresh's
        super().__init__(str(folder))

    def dispose(self) -> None:
        shutil.rmtree(self.base_dir, ignore_errors=True)


def ephemeral_instance(artifacts: Path) -> DagsterInstance:
    """`DagsterInstance.ephemeral()`, with the event log above and its artifacts in
    `artifacts` (removed when the instance is disposed). One refresh at a time per
    folder: the caller holds the warehouse's lock."""
    return DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=RunArtifactStorage(artifacts),
        run_storage=InMemoryRunStorage(),
        event_storage=HeldConnectionEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
