"""Ingest assets: one multi-asset per source adapter, one asset per raw table.

Each raw table carries two checks. `file_readable` is blocking: an unparseable
file or a missing/empty required file stops the run before dbt. `rows_valid`
reports the rows sent to quarantine, the fields nulled and the rows flagged
(with examples) as a warning: the good rows of the file still load, and nothing
is lost.

Each file is loaded on its own: an unexpected exception while loading one file
becomes that file's blocking error, naming the file and the real cause, and the
other files still load (their counts stay honest in the summary).
"""

from pathlib import Path
from typing import Any

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

from orchestration import check_meanings
from orchestration.engine import current_engine, export_raw_table
from orchestration.fingerprint import recorded_sha256
from orchestration.ingest import raw_store
from orchestration.ingest.loader import FileResult, load_source, release_freed_memory
from orchestration.ingest.sources import SOURCES, Source
from orchestration.ingest.specs import EntitySpec
from orchestration.progress import progress_log, report
from orchestration.resources import RefreshLockResource, WarehouseResource

FILE_CHECK = "file_readable"
# After a source this large, its freed memory goes back to the system before dbt
# runs. A full collection costs ~0.4 s in this process (Dagster's and dbt's objects):
# after each small source of the demo, a tenth of its ingest time.
LARGE_LOAD_ROWS = 100_000
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
            description=check_meanings.ROWS_VALID,
        ),
    ]


def file_outcome(result: FileResult) -> dict[str, Any]:
    """What the summary reads of one file's load, as materialization metadata."""
    return {
        "file": result.file,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "rows_deleted": result.rows_deleted,
        "duplicates": result.duplicates,
        "fields_nulled": result.fields_nulled,
        "rows_flagged": result.rows_flagged,
        "columns_missing": list(result.columns_missing),
        "warnings": list(result.warnings),
        "examples": list(result.examples),
        "error": result.error or "",
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _rows_problems(outcome: dict[str, Any]) -> str | None:
    parts = []
    if outcome["rows_quarantined"]:
        parts.append(f"{_plural(outcome['rows_quarantined'], 'row')} quarantined")
    if outcome["fields_nulled"]:
        parts.append(f"{_plural(outcome['fields_nulled'], 'field')} nulled")
    if outcome["rows_flagged"]:
        parts.append(f"{_plural(outcome['rows_flagged'], 'row')} flagged (time order)")
    if not parts:
        return None
    examples = outcome["examples"]
    return ", ".join(parts) + (f", first: {examples[0]}" if examples else "")


def _results(spec: EntitySpec, result: FileResult):
    key = raw_asset_key(spec)
    outcome = file_outcome(result)
    metadata = {
        name: MetadataValue.json(value) if isinstance(value, list) else value
        for name, value in outcome.items()
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
    problems = _rows_problems(outcome)
    examples = "\n".join(f"- {e}" for e in outcome["examples"]) or "none"
    yield AssetCheckResult(
        asset_key=key,
        check_name=ROWS_CHECK,
        passed=problems is None,
        severity=AssetCheckSeverity.WARN,
        description=problems,
        metadata={
            "rows_quarantined": outcome["rows_quarantined"],
            "fields_nulled": outcome["fields_nulled"],
            "rows_flagged": outcome["rows_flagged"],
            "examples": MetadataValue.md(examples),
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
    def _ingest(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        refresh_lock: RefreshLockResource,  # held for the run: one refresh per warehouse
    ):
        folder = warehouse.exports_path / source.folder
        if source.in_export(warehouse.exports_path):
            report(context, f"ingest {source.name}: reading {folder}")
        else:  # a source this company does not use; rows loaded earlier are named below
            report(context, f"ingest {source.name}: nothing to load (no {folder})")
        if salt_warning := warehouse.demo_salt_warning():
            context.log.warning(salt_warning)
        con = raw_store.connect(warehouse.warehouse_db)
        results: list[FileResult] = []
        try:
            results = load_source(
                con,
                source,
                warehouse.exports_path,
                context.run.run_id,
                # unchanged snapshots beside new delta files are not read to be hashed
                sha256=recorded_sha256(Path(warehouse.warehouse_dir), warehouse.exports_path),
                errors=context.log,
                spool_dir=warehouse.ingest_spool_dir,
                report=lambda message: report(context, message),  # each file once stored
            )
            if current_engine() == "spark":  # the same validated rows, where Spark reads them
                raw_store.ensure_raw_tables(con, source.specs)  # a file that failed: empty
                for spec in source.specs:
                    export_raw_table(con, spec.table, Path(warehouse.warehouse_dir))
        finally:
            con.close()
            if sum(r.rows_read for r in results) >= LARGE_LOAD_ROWS:
                release_freed_memory()
        for spec, result in zip(specs.values(), results, strict=True):
            yield from _results(spec, result)
        absent = [r.file for r in results if r.status == "missing" and not r.blocking]
        if absent:
            message = f"  optional files absent (no rows loaded): {', '.join(absent)}"
            context.log.warning(message)
            progress_log.warning(message)

    return _ingest


ingest_assets = [build_ingest_assets(source) for source in SOURCES]
