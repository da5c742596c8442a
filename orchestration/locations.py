"""Where the project and a warehouse keep their files: names only, no imports.

Kept apart from orchestration/resources.py (which imports Dagster) so that the
CLI's `--help` and a refresh with nothing to do start in a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORTS = PROJECT_ROOT / "seeds" / "demo"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"

WAREHOUSE_FILE = "warehouse.duckdb"
PUBLISHED_FILE = "published.duckdb"
DBT_DIR = ".dbt"  # dbt's per-run output and logs, inside the warehouse folder
INGEST_SPOOL_DIR = ".ingest"  # batches checked by the ingest's workers, until stored
