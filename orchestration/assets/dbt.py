"""The dbt build as Dagster assets; dbt tests surface as (blocking) asset checks.

`dbt build` runs seeds, models, unit tests and data tests in dependency order
and stops the models below a failing test; when anything failed, the step
fails with the failing tests and their first rows, so publish never runs.
"""

import json
from collections import Counter

from dagster import AssetExecutionContext, Failure, MetadataValue
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.progress import report
from orchestration.resources import WarehouseResource
from orchestration.transform import HiringDbtTranslator, dbt_project, point_dbt_at
from orchestration.transform_failures import describe_failures


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=HiringDbtTranslator(),
)
def hiring_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    args = ["build"]
    if warehouse.as_of:
        args += ["--vars", json.dumps({"as_of": warehouse.as_of})]
    point_dbt_at(warehouse.warehouse_db)
    report(context, f"dbt {' '.join(args)}")
    invocation = dbt.cli(args, context=context, raise_on_error=False)
    seen: Counter[str] = Counter()
    for event in invocation.stream():
        seen[type(event).__name__] += 1
        if sum(seen.values()) % 25 == 0:
            report(context, f"  dbt: {_counts(seen)}")
        yield event
    report(context, f"  dbt done: {_counts(seen)}")
    if not invocation.is_successful():
        failures = describe_failures(invocation.target_path, warehouse.warehouse_db)
        raise Failure(
            description="dbt build failed:\n" + "\n".join(failures),
            metadata={"failures": MetadataValue.md("\n".join(f"- {f}" for f in failures))},
        )


def _counts(seen: Counter) -> str:
    models = seen["Output"] + seen["AssetMaterialization"]
    checks = seen["AssetCheckResult"] + seen["AssetCheckEvaluation"]
    return f"{models} models built, {checks} tests checked"
