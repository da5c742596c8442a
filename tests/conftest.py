"""Shared fixtures: real refreshes of real exports into temporary warehouses.

The refreshes run the `hiring` CLI in a subprocess, as an analyst would, and
once per session: the dashboards and metric tests read their published files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_EXPORT = PROJECT_ROOT / "seeds" / "demo"
HANDMADE_EXPORT = PROJECT_ROOT / "tests" / "fixtures" / "handmade_export"
HANDMADE_AS_OF = "2026-03-31"


@pytest.fixture(scope="session", autouse=True)
def dbt_plans(tmp_path_factory) -> Iterator[Path]:
    """The session's own replay plans (orchestration/dbt_replay.py): the first build of
    each kind is dbt's, later ones replay it, whatever the machine's cache holds."""
    plans = tmp_path_factory.mktemp("dbt-replay")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HIRING_DBT_PLANS", str(plans))
        yield plans


def run_hiring(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the `hiring` CLI as a separate process and capture what it prints."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def refresh(
    exports: Path, warehouse: Path, as_of: str | None = None, engine: str | None = None
) -> subprocess.CompletedProcess:
    args = ["refresh", "--exports", str(exports), "--warehouse", str(warehouse)]
    if as_of:
        args += ["--as-of", as_of]
    if engine:
        args += ["--engine", engine]
    # Spark starts a JVM and builds node by node: minutes where DuckDB takes seconds
    return run_hiring(*args, timeout=1800 if engine == "spark" else 600)


@dataclass(frozen=True)
class Refreshed:
    warehouse: Path
    result: subprocess.CompletedProcess

    @property
    def published(self) -> Path:
        return self.warehouse / "published.duckdb"


def _refreshed(
    tmp_path_factory, name: str, exports: Path, as_of: str | None, engine: str | None = None
) -> Refreshed:
    warehouse = tmp_path_factory.mktemp(name)
    result = refresh(exports, warehouse, as_of, engine)
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    assert (warehouse / "published.duckdb").exists()
    return Refreshed(warehouse, result)


@pytest.fixture(scope="session")
def demo_refresh(tmp_path_factory) -> Refreshed:
    """A refresh of the committed demo export (as of its latest event)."""
    return _refreshed(tmp_path_factory, "demo_warehouse", DEMO_EXPORT, None)


@pytest.fixture(scope="session")
def demo_published(demo_refresh) -> Path:
    """published.duckdb built from the committed demo export."""
    return demo_refresh.published


@pytest.fixture(scope="session")
def handmade_published(tmp_path_factory) -> Path:
    """published.duckdb built from the hand-made export, as of 2026-03-31."""
    return _refreshed(
        tmp_path_factory, "handmade_warehouse", HANDMADE_EXPORT, HANDMADE_AS_OF
    ).published


@pytest.fixture(scope="session")
def demo_refresh_spark(tmp_path_factory) -> Refreshed:
    """The demo export refreshed on Apache Spark (a local session, docs/spark.md)."""
    return _refreshed(tmp_path_factory, "demo_warehouse_spark", DEMO_EXPORT, None, "spark")


@pytest.fixture(scope="session")
def handmade_published_spark(tmp_path_factory) -> Path:
    """The hand-made export refreshed on Apache Spark, as of 2026-03-31."""
    return _refreshed(
        tmp_path_factory, "handmade_warehouse_spark", HANDMADE_EXPORT, HANDMADE_AS_OF, "spark"
    ).published


# Expected-value tests run on both engines: the same numbers whatever builds them.
ENGINES = ["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])]


def handmade_on(request, duckdb_published: Path) -> Path:
    """The hand-made export's published file built by the engine of `request.param`."""
    if request.param == "spark":
        return request.getfixturevalue("handmade_published_spark")
    return duckdb_published


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Read-only query on a DuckDB file, closed right after."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
