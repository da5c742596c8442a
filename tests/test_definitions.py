"""The Dagster code location the UI loads: the same assets and checks the CLI runs."""

from __future__ import annotations

import importlib

import pytest
from dagster import AssetKey

from orchestration.ingest.specs import ALL_SPECS


@pytest.fixture(scope="module")
def defs(tmp_path_factory, monkeypatch_module):
    from orchestration.transform import ensure_manifest

    warehouse = tmp_path_factory.mktemp("defs_wh")
    monkeypatch_module.setenv("HIRING_WAREHOUSE_DIR", str(warehouse))
    ensure_manifest(warehouse / "warehouse.duckdb")
    module = importlib.import_module("orchestration.definitions")
    return module.defs


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def all_checks(defs) -> dict:
    graph = defs.resolve_asset_graph()
    specs = (graph.get_check_spec(key) for key in graph.asset_check_keys)
    return {(spec.asset_key, spec.name): spec for spec in specs}


def test_every_raw_table_is_an_asset_with_a_blocking_file_check(defs):
    graph = defs.resolve_asset_graph()
    checks = all_checks(defs)
    for spec in ALL_SPECS:
        key = AssetKey([f"raw_{spec.source}", spec.name])
        assert graph.has(key), key
        assert checks[(key, "file_readable")].blocking
        assert not checks[(key, "rows_valid")].blocking


def test_dbt_models_sit_between_raw_tables_and_the_published_snapshot(defs):
    graph = defs.resolve_asset_graph()
    fct = AssetKey(["marts", "fct_applications"])
    assert graph.has(fct)
    assert AssetKey(["published_snapshot"]) in graph.get(fct).child_keys
    staging = AssetKey(["staging", "stg_greenhouse__applications"])
    assert AssetKey(["raw_greenhouse", "applications"]) in graph.get(staging).parent_keys


def test_dbt_tests_surface_as_asset_checks(defs):
    dbt_checks = [c for c in all_checks(defs).values() if c.asset_key.path[0] == "marts"]
    assert any(c.name.startswith("primary_key_fct_applications") for c in dbt_checks)


def test_refresh_job_runs_in_process(defs):
    job = defs.resolve_job_def("refresh")
    assert job.executor_def.name == "in_process"


def test_export_sensor_requests_one_refresh_per_change(defs, tmp_path):
    from dagster import DagsterInstance, build_sensor_context

    from orchestration.resources import WarehouseResource
    from orchestration.sensors import new_export_sensor

    exports = tmp_path / "exports"
    (exports / "greenhouse").mkdir(parents=True)
    jobs = exports / "greenhouse" / "jobs.json"
    jobs.write_text("[]")
    resources = {
        "warehouse": WarehouseResource(exports_dir=str(exports), warehouse_dir=str(tmp_path))
    }

    with DagsterInstance.ephemeral() as instance:

        def tick(cursor=None):
            context = build_sensor_context(instance=instance, cursor=cursor, resources=resources)
            return new_export_sensor.evaluate_tick(context)

        first = tick()
        assert len(first.run_requests) == 1
        unchanged = tick(first.cursor)
        assert unchanged.run_requests == []
        assert unchanged.skip_message == "no change in the export folder"
        jobs.write_text('[{"id": 1}]')
        assert len(tick(first.cursor).run_requests) == 1


@pytest.mark.slow
def test_the_code_location_runs_the_refresh_job(tmp_path):
    """What the UI's "Materialize all" does, through `dg launch` and env configuration."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import HANDMADE_AS_OF, HANDMADE_EXPORT, PROJECT_ROOT, query

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "HIRING_EXPORTS_DIR": str(HANDMADE_EXPORT),
        "HIRING_WAREHOUSE_DIR": str(tmp_path / "wh"),
        "HIRING_AS_OF": HANDMADE_AS_OF,
    }
    dg = Path(sys.executable).parent / "dg"
    result = subprocess.run(
        [str(dg), "launch", "--job", "refresh"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "RUN_SUCCESS" in result.stdout + result.stderr
    published = tmp_path / "wh" / "published.duckdb"
    assert query(published, "select as_of_date::varchar from meta_snapshot") == [(HANDMADE_AS_OF,)]


def test_every_refresh_asset_holds_the_warehouse_lock(defs):
    """A run launched from the UI takes the same lock as `hiring refresh`."""
    from orchestration.assets import ALL_ASSETS

    for assets_def in ALL_ASSETS:
        assert "refresh_lock" in assets_def.required_resource_keys, assets_def.node_def.name


def test_the_lock_resource_refuses_a_warehouse_another_process_holds(tmp_path):
    import subprocess
    import sys

    from dagster import build_resources

    from orchestration.lock import WarehouseBusy
    from orchestration.resources import RefreshLockResource

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            " from orchestration.lock import warehouse_lock\n"
            "with warehouse_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(120)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        lock = RefreshLockResource(warehouse_dir=str(tmp_path))
        with pytest.raises(Exception) as refused, build_resources({"refresh_lock": lock}):
            pass
        cause = refused.value.__cause__ or refused.value  # Dagster wraps what the resource raised
        assert isinstance(cause, WarehouseBusy)
        assert f"another refresh (PID {holder.pid}) holds" in str(cause)
    finally:
        holder.kill()
        holder.wait()
    with build_resources({"refresh_lock": lock}):  # free again once the holder is gone
        pass
