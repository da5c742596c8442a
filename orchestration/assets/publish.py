"""The published snapshot: runs only after every upstream step and blocking check passed."""

from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.assets.dbt import hiring_dbt_models
from orchestration.assets.statistics import statistics
from orchestration.progress import report
from orchestration.publish import publish_snapshot
from orchestration.resources import RefreshLockResource, WarehouseResource
from orchestration.transform import dbt_project

# The dbt marts and the tables the statistics step writes beside them.
MART_KEYS = [key for key in hiring_dbt_models.keys if key.path[0] == "marts"]
STATISTICS_KEYS = sorted(statistics.keys, key=lambda key: key.to_user_string())


@asset(
    deps=[*MART_KEYS, *STATISTICS_KEYS],
    group_name="published",
    kinds={"duckdb"},
    description="Read-only copy of the marts for dashboards, swapped in atomically.",
)
def published_snapshot(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    refresh_lock: RefreshLockResource,  # held for the run: one refresh per warehouse
):
    report(context, f"publish: writing {warehouse.published_db}")
    snapshot = publish_snapshot(
        warehouse.warehouse_db,
        warehouse.published_db,
        context.run.run_id,
        dbt_manifest=dbt_project.manifest_path,  # the parsed project: its docs blocks
    )
    report(context, f"  published {len(snapshot.tables)} tables, as of {snapshot.as_of_date}")
    return MaterializeResult(
        metadata={
            "path": str(snapshot.path),
            "as_of_date": snapshot.as_of_date or "",
            "published_at": snapshot.published_at.isoformat(),
            "tables": len(snapshot.tables),
            **{f"rows.{name}": rows for name, rows in snapshot.tables.items()},
        }
    )
