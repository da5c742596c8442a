"""Load one source's files into the raw layer: read, validate, merge, quarantine.

Pure Python over a DuckDB connection, so it is tested without Dagster; the
ingest assets call it and turn its results into materializations and checks.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.ingest import raw_store
from orchestration.ingest.readers import ExportFileError
from orchestration.ingest.sources import Source
from orchestration.ingest.specs import META_COLUMNS, EntitySpec
from orchestration.ingest.validation import Problem, check_records

log = logging.getLogger("hiring.ingest")


@dataclass
class FileResult:
    """What happened to one table's file in one load."""

    source: str
    entity: str
    file: str  # path relative to the export folder
    status: str  # loaded | unchanged | missing | error
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None  # set when the file blocks the refresh
    examples: list[str] = field(default_factory=list)  # first quarantine reasons

    @property
    def blocking(self) -> bool:
        return self.error is not None


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_load_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, export_dir: Path, load_id: str
) -> list[FileResult]:
    raw_store.ensure_raw_tables(con, source.specs)
    return [load_file(con, source, spec, export_dir, load_id) for spec in source.specs]


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    export_dir: Path,
    load_id: str,
) -> FileResult:
    path = source.find_file(export_dir, spec)
    display = f"{source.folder}/{spec.name}{spec.extensions[0]}"
    if path is None:
        result = FileResult(source.name, spec.name, display, "missing")
        if spec.required_file:
            result.error = f"{display}: required file is missing from {export_dir}"
        return result

    display = path.relative_to(export_dir).as_posix()
    digest = file_hash(path)
    if raw_store.already_loaded(con, spec, digest):
        return FileResult(source.name, spec.name, display, "unchanged")

    try:
        records = source.read(path, display, spec)
    except ExportFileError as exc:
        return FileResult(source.name, spec.name, display, "error", error=str(exc))
    if not records and spec.required_file:
        return FileResult(
            source.name, spec.name, display, "error", error=f"{display}: required file has no rows"
        )

    checked = check_records(spec, records)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    good = checked.rows.drop(index=list(checked.bad_index))
    good = good.assign(
        _load_id=load_id, _source_file=display, _file_hash=digest, _loaded_at=loaded_at
    )
    good = good[[*spec.field_names, *META_COLUMNS]]

    quarantined = _quarantine_rows(spec, display, load_id, loaded_at, records, checked.problems)
    con.execute("begin transaction")
    try:
        rows_loaded = raw_store.merge_rows(con, spec, good)
        raw_store.quarantine_rows(con, quarantined)
        raw_store.log_load(
            con,
            load_id=load_id,
            spec=spec,
            file=display,
            file_hash=digest,
            rows_loaded=rows_loaded,
            rows_quarantined=len(checked.bad_index),
            loaded_at=loaded_at,
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise

    examples = [
        f"{display} {q['location']}: {q['field'] or 'record'}: {q['reason']}"
        for q in quarantined[:5]
    ]
    for example in examples:
        log.warning("quarantined %s", example)
    return FileResult(
        source.name,
        spec.name,
        display,
        "loaded",
        rows_read=len(records),
        rows_loaded=rows_loaded,
        rows_quarantined=len(checked.bad_index),
        examples=examples,
    )


def _quarantine_rows(
    spec: EntitySpec,
    display: str,
    load_id: str,
    at: datetime,
    records,
    problems: list[Problem],
) -> list[dict]:
    rows = []
    for problem in sorted(problems, key=lambda p: (p.index, p.field or "")):
        record = records[problem.index]
        rows.append(
            {
                "load_id": load_id,
                "source_system": spec.source,
                "entity": spec.name,
                "file": display,
                "line": record.line,
                "location": record.location,
                "field": problem.field,
                "value": None if problem.value is None else str(problem.value),
                "reason": problem.reason,
                "record": record.data,
                "quarantined_at": at,
            }
        )
    return rows
