"""The dbt build as Dagster assets; dbt tests surface as (blocking) asset checks.

`dbt build` runs seeds, models and data tests in dependency order and stops
the models below a failing test; when anything failed, the step fails with the
failing tests and their first rows, so publish never runs. Unit tests check the
SQL, not the data: they run in the test suite (tests/test_dbt_unit_tests.py),
not in every refresh, where they took a fifth of dbt's time.

dbt's per-run output (compiled SQL, run_results.json, its log: ~13 MB a run)
goes to `WAREHOUSE/.dbt/target/<run>` and is removed once the failure report
has read it and the test results are in `ops.dbt_test_results` (names, statuses
and counts, for the published snapshot); a folder left by a killed run goes at
the start of the next. Only dbt's parse of the project is kept, in
`WAREHOUSE/.dbt`, for the warehouse's next build.
"""

import json
import shutil
from collections import Counter
from pathlib import Path

from dagster import AssetExecutionContext, Failure, MetadataValue
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.engine import (
    copy_spark_marts,
    current_engine,
    metastore_busy,
    metastore_busy_message,
    metastore_holder,
)
from orchestration.health import record_dbt_tests
from orchestration.ingest.checked import stop_kept_workers
from orchestration.progress import report
from orchestration.resources import RefreshLockResource, WarehouseResource
from orchestration.transform import (
    HiringDbtTranslator,
    dbt_project,
    keep_partial_parse,
    point_dbt_at,
    project_parse,
    seed_partial_parse,
)
from orchestration.transform_failures import describe_failures


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=HiringDbtTranslator(),
)
def hiring_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    refresh_lock: RefreshLockResource,  # held for the run: one refresh per warehouse
):
    stop_kept_workers()  # dbt's memory, not the ingest's, counts from here
    args = ["build", "--exclude-resource-type", "unit_test"]
    if current_engine() == "duckdb":
        # dbt's debug log (a few MB, removed with the run's folder) took a tenth of
        # the demo build; its lines are not read. Spark keeps it: `_metastore_busy`.
        args += ["--log-level-file", "none"]
    if warehouse.as_of:
        args += ["--vars", json.dumps({"as_of": warehouse.as_of})]
    warehouse_dir = Path(warehouse.warehouse_dir)
    if current_engine() == "spark" and (pid := metastore_holder(warehouse_dir)) is not None:
        raise Failure(description=metastore_busy_message(warehouse_dir, pid))
    point_dbt_at(warehouse.warehouse_db)
    runs = warehouse.dbt_dir / "target"
    _remove_children(runs)  # left by a killed run; we hold the lock, nobody uses them
    target = runs / context.run.run_id[:8]
    parse = warehouse.dbt_dir / project_parse().name  # this warehouse's last, this engine's
    report(context, f"dbt {' '.join(args)}")
    try:
        seed_partial_parse(target, parse)
        invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target)
        seen: Counter[str] = Counter()
        for event in invocation.stream():
            seen[type(event).__name__] += 1
            if sum(seen.values()) % 25 == 0:
                report(context, f"  dbt: {_counts(seen)}")
            yield event
        report(context, f"  dbt done: {_counts(seen)}")
        record_dbt_tests(warehouse.warehouse_db, context.run.run_id, target)
        if not invocation.is_successful():
            failures = describe_failures(target, warehouse.warehouse_db)
            if current_engine() == "spark" and _metastore_busy(target):
                failures.insert(0, metastore_busy_message(warehouse_dir))
            raise Failure(
                description="dbt build failed:\n" + "\n".join(failures),
                metadata={"failures": MetadataValue.md("\n".join(f"- {f}" for f in failures))},
            )
        if current_engine() == "spark":
            tables = copy_spark_marts(warehouse.warehouse_db, warehouse_dir)
            report(
                context, f"  copied {len(tables)} Spark marts into {warehouse.warehouse_db.name}"
            )
    finally:
        keep_partial_parse(target, parse)
        shutil.rmtree(target, ignore_errors=True)


def _metastore_busy(target: Path) -> bool:
    """Whether this run's dbt log says another JVM holds the embedded metastore."""
    log = target / "dbt.log"
    return log.is_file() and metastore_busy(log.read_text(errors="replace"))


def _remove_children(folder: Path) -> None:
    if folder.is_dir():
        for child in folder.iterdir():
            shutil.rmtree(child, ignore_errors=True)


def _counts(seen: Counter) -> str:
    models = seen["Output"] + seen["AssetMaterialization"]
    checks = seen["AssetCheckResult"] + seen["AssetCheckEvaluation"]
    return f"{models} models built, {checks} tests checked"
