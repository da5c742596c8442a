"""The Dagster instance of a refresh run from the CLI: ephemeral, as `materialize`
uses by default, with its event log on the one connection it already holds."""

from contextlib import contextmanager

import sqlalchemy as db
from dagster import DagsterInstance
from dagster._core.instance import InstanceType
from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
from dagster._core.run_coordinator import DefaultRunCoordinator
from dagster._core.storage.event_log import InMemoryEventLogStorage
from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
from dagster._core.storage.root import TemporaryLocalArtifactStorage
from dagster._core.storage.runs import InMemoryRunStorage


class HeldConnectionEventLogStorage(InMemoryEventLogStorage):
    """Dagster's in-memory event log, each read and write on the SQLite connection it
    holds for its life. The stock storage opens a connection, and sets two pragmas,
    for every one: a demo refresh stores about 1,350 events (outputs, materializations,
    check results and their planned events) and reads the latest materialization of
    an asset for most, and that took 0.6 s of its 10. The
    storage's own lock still serializes them. Dagster is pinned (pyproject.toml):
    `_connect` is its own, checked at each upgrade by tests/test_instance.py and
    every refresh test."""

    def __init__(self) -> None:
        super().__init__()
        self._held_conn.execute(db.text("PRAGMA foreign_keys=ON")).close()
        self._held_conn.commit()

    @contextmanager
    def _connect(self):
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn


def ephemeral_instance() -> DagsterInstance:
    """`DagsterInstance.ephemeral()`, with the event log above."""
    return DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=HeldConnectionEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )
