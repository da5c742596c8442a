"""Ingest assets: one multi-asset per source adapter, one asset per raw table.

Each raw table carries two checks. `file_readable` is blocking: an unparseable
file or a missing/empty required file stops the run before dbt. `rows_valid`
reports the rows sent to quarantine (with examples) as a warning: the good rows
of the file still load, and nothing is lost.
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from orchestration.ingest import raw_store
from orchestration.ingest.loader import FileResult, load_source
from orchestration.ingest.sources import SOURCES, Source
from orchestration.ingest.specs import EntitySpec
from orchestration.progress import progress_log, report
from orchestration.resources import WarehouseResource

FILE_CHECK = "file_readable"
ROWS_CHECK = "rows_valid"


def raw_asset_key(spec: EntitySpec) -> AssetKey:
    return AssetKey([f"raw_{spec.source}", spec.name])


def _asset_spec(source: Source, spec: EntitySpec) -> AssetSpec:
    fields = ", ".join(spec.field_names)
    return AssetSpec(
        key=raw_asset_key(spec),
        group_name=f"raw_{source.name}",
        description=f"{spec.description or spec.name} Raw table `{spec.table}` (fields: {fields}).",
        kinds={"duckdb", "python"},
    )


def _check_specs(spec: EntitySpec) -> list[AssetCheckSpec]:
    key = raw_asset_key(spec)
    required = "required" if spec.required_file else "optional"
    return [
        AssetCheckSpec(
            FILE_CHECK,
            asset=key,
            blocking=True,
            description=f"The {required} file parses and, if required, has rows.",
        ),
        AssetCheckSpec(
            ROWS_CHECK,
            asset=key,
            description=(
                "Every row passes validation (required fields, types, value sets, time order)."
            ),
        ),
    ]


def _results(spec: EntitySpec, result: FileResult):
    key = raw_asset_key(spec)
    metadata = {
        "file": result.file,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
    }
    yield MaterializeResult(asset_key=key, metadata=metadata)
    yield AssetCheckResult(
        asset_key=key,
        check_name=FILE_CHECK,
        passed=not result.blocking,
        severity=AssetCheckSeverity.ERROR,
        metadata={"file": result.file, "error": result.error or ""},
        description=result.error,
    )
    quarantined = None
    if result.rows_quarantined:
        rows = "1 row" if result.rows_quarantined == 1 else f"{result.rows_quarantined} rows"
        quarantined = f"{rows} quarantined, first: {result.examples[0]}"
    yield AssetCheckResult(
        asset_key=key,
        check_name=ROWS_CHECK,
        passed=result.rows_quarantined == 0,
        severity=AssetCheckSeverity.WARN,
        description=quarantined,
        metadata={
            "rows_quarantined": result.rows_quarantined,
            "examples": MetadataValue.md("\n".join(f"- {e}" for e in result.examples) or "none"),
        },
    )


def build_ingest_assets(source: Source):
    specs = {raw_asset_key(spec): spec for spec in source.specs}

    @multi_asset(
        name=f"ingest_{source.name}",
        specs=[_asset_spec(source, spec) for spec in source.specs],
        check_specs=[c for spec in source.specs for c in _check_specs(spec)],
        description=source.description,
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource):
        report(context, f"ingest {source.name}: reading {warehouse.exports_path / source.folder}")
        con = raw_store.connect(warehouse.warehouse_db)
        try:
            results = load_source(con, source, warehouse.exports_path, load_id=context.run_id)
        finally:
            con.close()
        for spec, result in zip(specs.values(), results, strict=True):
            if result.status == "loaded":
                report(
                    context,
                    f"  {result.file}: {result.rows_loaded} rows loaded,"
                    f" {result.rows_quarantined} quarantined",
                )
            elif result.blocking:
                report(context, f"  {result.error}")
            yield from _results(spec, result)
        absent = [r.file for r in results if r.status == "missing" and not r.blocking]
        if absent:
            message = f"  optional files absent (no rows loaded): {', '.join(absent)}"
            context.log.warning(message)
            progress_log.warning(message)

    return _ingest


ingest_assets = [build_ingest_assets(source) for source in SOURCES]
