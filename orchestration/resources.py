"""Where the pipeline reads and writes, configured from the environment.

`HIRING_EXPORTS_DIR`, `HIRING_WAREHOUSE_DIR` and `HIRING_AS_OF` configure both
the CLI and the Dagster UI; unset, they default to the committed demo export
and a `warehouse/` folder in the project, so `dg dev` works out of the box.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORTS = PROJECT_ROOT / "seeds" / "demo"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"

WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FILE = "published.duckdb"


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


def build_resources(warehouse: WarehouseResource) -> dict:
    """The resources of a refresh, shared by the code location and the CLI."""
    from dagster_dbt import DbtCliResource

    from orchestration.transform import dbt_executable, dbt_project

    return {
        "warehouse": warehouse,
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable()),
    }
