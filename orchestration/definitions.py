"""The Dagster code location: assembles assets, checks, resources and the job.

The CLI's `hiring refresh` runs these same definitions in process. The
in-process executor is the default: DuckDB allows one writing process per file,
and re-importing the code per step would cost seconds each.
"""

from dagster import Definitions, define_asset_job, in_process_executor

from orchestration.assets import ALL_ASSETS
from orchestration.resources import WarehouseResource, build_resources
from orchestration.sensors import new_export_sensor
from orchestration.transform import dbt_project

dbt_project.prepare_if_dev()

refresh_job = define_asset_job(
    "refresh",
    description="Ingest the export, validate, build and test the dbt models, publish.",
)

defs = Definitions(
    assets=ALL_ASSETS,
    jobs=[refresh_job],
    sensors=[new_export_sensor],
    resources=build_resources(WarehouseResource.from_env()),
    executor=in_process_executor,
)
