"""dbt's unit tests (hand-made rows per model, in the models' YAML) run here.

A refresh runs the data tests only: unit tests check the SQL, not the data, so
they belong with the rest of the test suite. They need the models' parents to
exist, so they run against the warehouse the demo refresh built, on each
engine (docs/spark.md).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from orchestration.engine import ENGINE_ENV
from orchestration.transform import DBT_PROJECT_DIR, dbt_env, dbt_executable
from tests.conftest import ENGINES


@pytest.fixture(params=ENGINES)
def engine_refresh(request):
    """The engine and the demo refresh it built: its models are the unit tests' parents."""
    name = "demo_refresh" if request.param == "duckdb" else "demo_refresh_spark"
    return request.param, request.getfixturevalue(name)


def test_every_dbt_unit_test_passes(engine_refresh, tmp_path):
    engine, refreshed = engine_refresh
    warehouse_db = refreshed.warehouse / "warehouse.duckdb"
    target = tmp_path / "target"
    result = subprocess.run(
        [dbt_executable(), "test", "--select", "test_type:unit", "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env={**dbt_env(warehouse_db), ENGINE_ENV: engine},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    results = json.loads((target / "run_results.json").read_text())["results"]
    # the on-run-start hook (Spark registers the raw tables there) is not a unit test
    results = [r for r in results if r["unique_id"].startswith("unit_test.")]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    assert result.returncode == 0 and not failed, f"{failed}\n{result.stdout[-4000:]}"

    manifest = json.loads((target / "manifest.json").read_text())
    assert len(results) == len(manifest["unit_tests"]) >= 60
