"""Load one source's files into the raw layer: read, validate, dedupe, replace, quarantine.

Pure Python over a DuckDB connection, so it is tested without Dagster; the
ingest assets call it and turn its results into materializations and checks.

Per entity, `<entity>.json|.jsonl|.csv` is a full snapshot (it replaces what
raw held) and `<entity>.delta*.<ext>` files are merged after it in name order.
An entity whose files did not change is not read at all. An entity is loaded
in one transaction: a file that blocks leaves the entity as it was.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.fingerprint import file_sha256
from orchestration.ingest import pii, raw_store
from orchestration.ingest.readers import ExportFileError, FileContent
from orchestration.ingest.sources import Source
from orchestration.ingest.specs import META_COLUMNS, EntitySpec
from orchestration.ingest.validation import DROPPED, FLAGGED, NULLED, Problem, check_records

log = logging.getLogger("hiring.ingest")

# A file whose rejected records are more than this share of its records is broken
# (a renamed column, a wrong export): it blocks the refresh instead of publishing
# a warehouse that silently lost most of an entity.
MAX_REJECTED_SHARE = 0.5


@dataclass
class FileResult:
    """What happened to one table's file(s) in one load."""

    source: str
    entity: str
    file: str  # path relative to the export folder (the snapshot file, else the first delta)
    status: str  # loaded | unchanged | missing | error | absent (the source's folder is not there)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0  # records not loaded (dropped)
    fields_nulled: int = 0  # optional fields that failed: stored as null, record kept
    rows_flagged: int = 0  # loaded with a warning (time order)
    duplicates: int = 0  # older versions of a key in the same file, superseded
    rows_deleted: int = 0  # stored rows the new snapshot no longer holds
    columns_missing: list[str] = field(default_factory=list)  # kept from stored rows
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # set when the file blocks the refresh
    examples: list[str] = field(default_factory=list)  # first quarantine reasons
    top_reason: str | None = None  # the most common reason a record was rejected

    @property
    def blocking(self) -> bool:
        return self.error is not None


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
    """Bring one entity's raw rows in line with its files in the export folder."""
    display = f"{source.folder}/{spec.name}{spec.extensions[0]}"
    try:
        snapshot, deltas = source.find_files(export_dir, spec)
    except ExportFileError as exc:
        return FileResult(source.name, spec.name, display, "error", error=str(exc))
    files = ([("snapshot", snapshot)] if snapshot else []) + [("delta", d) for d in deltas]
    if not files:
        stored = raw_store.current_files(con, spec)
        if not (export_dir / source.folder).is_dir() and not stored:
            # a source this export does not use (no folder): nothing to say
            return FileResult(source.name, spec.name, display, "absent")
        result = FileResult(source.name, spec.name, display, "missing")
        if spec.required_file and not stored:
            result.error = f"{display}: required file is missing from {export_dir}"
        elif stored:
            result.warnings.append(
                f"{display}: not in this export; the rows loaded earlier are kept"
                " (`hiring refresh --rebuild` starts from the export folder alone)"
            )
        return result

    wanted = [
        (kind, path.relative_to(export_dir).as_posix(), file_sha256(path)) for kind, path in files
    ]
    display = wanted[0][1]
    current = raw_store.current_files(con, spec)
    if wanted == current:
        return FileResult(source.name, spec.name, display, "unchanged")
    same_snapshot = snapshot is None or (current[:1] == wanted[:1])
    todo = [w for w in wanted if w not in current] if same_snapshot else wanted

    result = FileResult(source.name, spec.name, display, "loaded")
    con.execute("begin transaction")
    try:
        if not same_snapshot:
            raw_store.forget_entity(con, spec)
        for kind, name, digest in todo:
            _load_one(con, source, spec, export_dir / name, name, digest, kind, load_id, result)
            if result.blocking:
                break
        if result.blocking:
            con.execute("rollback")
            result.status = "error"
            return result
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    for example in result.examples:
        log.warning("quarantined %s", example)
    for warning in result.warnings:
        log.warning("%s", warning)
    return result


def _load_one(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    path: Path,
    display: str,
    digest: str,
    kind: str,
    load_id: str,
    result: FileResult,
) -> None:
    try:
        content = source.read(path, display, spec)
    except ExportFileError as exc:
        result.error = str(exc)
        return
    result.warnings += content.warnings
    records = content.records
    result.rows_read += len(records)
    if not records and spec.required_file and kind == "snapshot":
        result.error = f"{display}: required file has no rows"
        return

    checked = check_records(spec, records)
    dropped = checked.bad_index
    if records and len(dropped) > MAX_REJECTED_SHARE * len(records):
        top = _top_reason(display, records, checked.problems)
        result.error = (
            f"{display}: {len(dropped)} of {len(records)} records rejected; most common: {top}"
        )
        return

    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    good = checked.rows.drop(index=list(dropped))
    good, superseded = _newest_per_key(spec, good)
    good = good.assign(
        _load_id=load_id, _source_file=display, _file_hash=digest, _loaded_at=loaded_at
    )
    good = good[[*spec.field_names, *META_COLUMNS]]

    if kind == "snapshot":
        keep = _unmentioned_columns(spec, content) if raw_store.stored_rows(con, spec) else []
        rows_loaded, rows_deleted = raw_store.replace_rows(con, spec, good, keep)
        if keep:
            result.columns_missing += keep
    else:
        rows_loaded, rows_deleted = raw_store.merge_rows(con, spec, good), 0

    problems = checked.problems + superseded
    quarantined = _quarantine_rows(spec, display, load_id, loaded_at, records, problems)
    raw_store.quarantine_rows(con, quarantined)
    nulled = sum(p.action == NULLED for p in checked.problems)
    flagged = len({p.index for p in checked.problems if p.action == FLAGGED})
    raw_store.record_file(
        con, spec, kind=kind, file=display, file_hash=digest, load_id=load_id, loaded_at=loaded_at
    )
    raw_store.log_load(
        con,
        load_id=load_id,
        source_system=spec.source,
        entity=spec.name,
        file=display,
        file_hash=digest,
        rows_loaded=rows_loaded,
        rows_quarantined=len(dropped),
        loaded_at=loaded_at,
        kind=kind,
        rows_deleted=rows_deleted,
        duplicates=len(superseded),
        fields_nulled=nulled,
        rows_flagged=flagged,
    )
    result.rows_loaded += rows_loaded
    result.rows_deleted += rows_deleted
    result.rows_quarantined += len(dropped)
    result.fields_nulled += nulled
    result.rows_flagged += flagged
    result.duplicates += len(superseded)
    result.examples += [
        f"{q['file']} {q['location']}: {q['field'] or 'record'}: {q['reason']} ({q['action']})"
        for q in quarantined[: max(0, 5 - len(result.examples))]
    ]
    if dropped:
        result.top_reason = _top_reason(display, records, checked.problems)


def _top_reason(display: str, records, problems: list[Problem]) -> str:
    dropping = [p for p in problems if p.action == DROPPED]
    (field_, reason), n = Counter((p.field, p.reason) for p in dropping).most_common(1)[0]
    first = next(p for p in dropping if (p.field, p.reason) == (field_, reason))
    where = records[first.index].location
    subject = f"field {field_}" if field_ else "record"
    return f"{where} {subject}: {reason} ({n} record{'s' if n != 1 else ''})"


def _newest_per_key(spec: EntitySpec, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """One row per key: the newest by the object's own timestamp, then the later line."""
    keys = list(spec.key)
    duplicated = rows.duplicated(subset=keys, keep=False)
    if not duplicated.any():
        return rows, []
    order = [c for c in (spec.version_field,) if c] + ["_line"]
    ordered = rows.sort_values(order, na_position="first", kind="stable")
    superseded_mask = ordered.duplicated(subset=keys, keep="last")
    winners = ordered[~superseded_mask]
    winner_line = winners.set_index(keys)["_location"] if len(keys) > 1 else None
    problems = []
    for index, row in ordered[superseded_mask].iterrows():
        key_text = ", ".join(f"{k}={row[k]}" for k in keys)
        if winner_line is not None:
            kept = winner_line.get(tuple(row[k] for k in keys), "another line")
        else:
            kept = winners.loc[winners[keys[0]] == row[keys[0]], "_location"].iloc[0]
        reason = f"duplicate key {key_text}: the newer version at {kept} is kept"
        problems.append(Problem(int(index), None, None, reason, "duplicate_key", DROPPED))
    return winners.sort_index(), problems


def _unmentioned_columns(spec: EntitySpec, content: FileContent) -> list[str]:
    """Optional fields the file does not mention at all (not even as null)."""
    if content.columns is not None:
        mentioned = content.columns
    else:
        mentioned = set()
        for record in content.records:
            mentioned.update(record.data)
    return [f.name for f in spec.fields if f.name not in mentioned and f.name not in spec.key]


def _safe_record(spec: EntitySpec, record) -> dict:
    """The record as quarantined: personal data hashed, unparsed text withheld."""
    data = dict(record.data)
    if not spec.has_pii:
        return data
    for key in ("_unparsed_text", "_unparsed_row", "_unparsed_value"):
        if key in data:
            data[key] = f"<{len(str(data[key]))} characters withheld: may hold personal data>"
    for f in spec.fields:
        if f.pii and data.get(f.name) is not None:
            text, _ = pii.plain_value(data[f.name])
            data[f.name] = pii.keyed_hash(f.pii, text) if text else None
    declared = set(spec.field_names)
    if not spec.keep_extra:
        data = {k: v for k, v in data.items() if k in declared or k.startswith("_unparsed")}
    return data


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
                "record": _safe_record(spec, record),
                "quarantined_at": at,
                "reason_code": problem.code,
                "action": problem.action,
            }
        )
    return rows
