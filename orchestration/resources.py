"""Where the pipeline reads and writes, configured from the environment.

`HIRING_EXPORTS_DIR`, `HIRING_WAREHOUSE_DIR` and `HIRING_AS_OF` configure both
the CLI and the Dagster UI; unset, they default to the committed demo export
and a `warehouse/` folder in the project, so `dg dev` works out of the box.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from dagster import ConfigurableResource, InitResourceContext

from orchestration.ingest import pii
from orchestration.locations import (  # noqa: F401  (re-exported: older imports)
    DBT_DIR,
    DEFAULT_EXPORTS,
    DEFAULT_WAREHOUSE,
    INGEST_SPOOL_DIR,
    PROJECT_ROOT,
    PUBLISHED_FILE,
    WAREHOUSE_FILE,
)
from orchestration.lock import warehouse_lock


class WarehouseResource(ConfigurableResource):
    """The export folder to read, the warehouse folder to write, and the as-of date."""

    exports_dir: str
    warehouse_dir: str
    as_of: str | None = None

    @classmethod
    def from_env(cls) -> WarehouseResource:
        return cls(
            exports_dir=os.environ.get("HIRING_EXPORTS_DIR", str(DEFAULT_EXPORTS)),
            warehouse_dir=os.environ.get("HIRING_WAREHOUSE_DIR", str(DEFAULT_WAREHOUSE)),
            as_of=os.environ.get("HIRING_AS_OF") or None,
        )

    @property
    def exports_path(self) -> Path:
        return Path(self.exports_dir).resolve()

    @property
    def warehouse_db(self) -> Path:
        return Path(self.warehouse_dir).resolve() / WAREHOUSE_FILE

    @property
    def published_db(self) -> Path:
        return Path(self.warehouse_dir).resolve() / PUBLISHED_FILE

    @property
    def dbt_dir(self) -> Path:
        """Where dbt writes per-run artifacts and logs: never the project folder."""
        return Path(self.warehouse_dir).resolve() / DBT_DIR

    @property
    def ingest_spool_dir(self) -> Path:
        """Where the ingest's workers spool checked batches: beside the warehouse, on
        its disk, and cleared of what a killed refresh left (checked.FilePool)."""
        return Path(self.warehouse_dir).resolve() / INGEST_SPOOL_DIR

    def demo_salt_warning(self) -> str | None:
        """Personal data hashed with the public demo salt is not pseudonymous at all."""
        if not pii.uses_demo_salt():
            return None
        if (self.exports_path / pii.DEMO_EXPORT_MARKER).exists():
            return None
        return (
            "HIRING_PII_SALT is not set: candidate names, emails and phones of"
            f" {self.exports_path} are hashed with the public demo salt, which anyone can"
            " reverse by guessing. Set HIRING_PII_SALT to a secret for real exports."
        )


class RefreshLockResource(ConfigurableResource):
    """Holds the warehouse's refresh lock for a whole run launched from Dagster.

    With the in-process executor, resources live for the whole run, so the lock
    covers ingest, dbt and publish. The CLI already holds it; taking it again
    in the same process is allowed (see orchestration/lock.py).
    """

    warehouse_dir: str

    @contextlib.contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator[RefreshLockResource]:
        with warehouse_lock(Path(self.warehouse_dir)):
            yield self


def build_resources(warehouse: WarehouseResource) -> dict:
    """The resources of a refresh, shared by the code location and the CLI."""
    from orchestration.transform import HiringDbtCli, dbt_executable, dbt_project

    return {
        "warehouse": warehouse,
        "refresh_lock": RefreshLockResource(warehouse_dir=warehouse.warehouse_dir),
        "dbt": HiringDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
