"""Refresh when a new export lands: analysts drop files into the export folder.

The cursor is a fingerprint of the folder (path, size and mtime of every file);
a change requests one refresh run. Off by default: turn it on in the UI.
"""

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from orchestration.fingerprint import export_fingerprint
from orchestration.resources import WarehouseResource


@sensor(
    job_name="refresh",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Runs the refresh when files in the export folder change.",
)
def new_export_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    exports = warehouse.exports_path
    if not exports.is_dir():
        return SkipReason(f"export folder {exports} does not exist")
    fingerprint = export_fingerprint(exports)
    if fingerprint == context.cursor:
        return SkipReason("no change in the export folder")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint)
