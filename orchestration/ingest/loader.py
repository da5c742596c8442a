"""Load one source's files into the raw layer: read, validate, dedupe, replace, quarantine.

Pure Python over a DuckDB connection, so it is tested without Dagster; the
ingest assets call it and turn its results into materializations and checks.

Per entity, `<entity>.json|.jsonl|.csv` is a full snapshot (it replaces what
raw held) and `<entity>.delta*.<ext>` files are merged after it in name order.
An entity whose files did not change is not read at all. An entity is loaded
in one transaction: a file that blocks leaves the entity as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.fingerprint import file_sha256
from orchestration.ingest import pii, raw_store
from orchestration.ingest.readers import BatchReadFailed, ExportFileError, FileContent
from orchestration.ingest.sources import Source
from orchestration.ingest.specs import EntitySpec
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
    seconds: float = 0.0  # time spent on the file(s)

    @property
    def blocking(self) -> bool:
        return self.error is not None


def release_freed_memory() -> None:
    """Give the memory a large load freed back to the system, so that it is not held
    (unused) by this process while dbt runs beside it. glibc only; elsewhere a no-op."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def new_load_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    export_dir: Path,
    load_id: str,
    sha256: Callable[[Path], str] = file_sha256,
) -> list[FileResult]:
    """`sha256`: how a file's content hash is found (fingerprint.recorded_sha256)."""
    raw_store.ensure_raw_tables(con, source.specs)
    return [load_file(con, source, spec, export_dir, load_id, sha256) for spec in source.specs]


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    export_dir: Path,
    load_id: str,
    sha256: Callable[[Path], str] = file_sha256,
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

    wanted = [(kind, path.relative_to(export_dir).as_posix(), sha256(path)) for kind, path in files]
    display = wanted[0][1]
    current = raw_store.current_files(con, spec)
    if wanted == current:
        return FileResult(source.name, spec.name, display, "unchanged")
    same_snapshot = snapshot is None or (current[:1] == wanted[:1])
    todo = [w for w in wanted if w not in current] if same_snapshot else wanted

    result = FileResult(source.name, spec.name, display, "loaded")
    started = time.perf_counter()
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
    result.seconds = time.perf_counter() - started
    for example in result.examples:
        log.warning("quarantined %s", example)
    for warning in result.warnings:
        log.warning("%s", warning)
    return result


@dataclass
class _Tally:
    """One file's batches, added up."""

    rows_read: int = 0
    dropped: int = 0
    nulled: int = 0
    flagged: int = 0
    warnings: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)  # (field, reason) of dropped records
    first_at: dict = field(default_factory=dict)  # (field, reason) -> where it first happened
    mentioned: set[str] = field(default_factory=set)  # the fields the file mentions
    stream: bool = True  # read in batches (False: read whole, after BatchReadFailed)
    track_mentioned: bool = False  # note the fields mentioned (to keep stored values of others)

    def top_reason(self) -> str:
        (field_, reason), n = self.reasons.most_common(1)[0]
        subject = f"field {field_}" if field_ else "record"
        where = self.first_at[(field_, reason)]
        return f"{where} {subject}: {reason} ({n} record{'s' if n != 1 else ''})"


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
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    meta = {"_load_id": load_id, "_source_file": display, "_file_hash": digest}
    meta["_loaded_at"] = loaded_at
    keep_stored = kind == "snapshot" and raw_store.stored_rows(con, spec) > 0
    try:
        try:
            tally = _stage_file(con, source, spec, path, display, meta, keep_stored, stream=True)
        except BatchReadFailed as exc:  # discard the batches; read the file whole
            log.info("%s: read again as a whole (%s)", display, exc)
            con.execute(
                "delete from raw.quarantine where load_id = ? and entity = ? and file = ?",
                [load_id, spec.name, display],
            )
            tally = _stage_file(con, source, spec, path, display, meta, keep_stored, stream=False)
    except ExportFileError as exc:
        result.error = str(exc)
        return
    result.warnings += tally.warnings
    result.rows_read += tally.rows_read
    if not tally.rows_read and spec.required_file and kind == "snapshot":
        result.error = f"{display}: required file has no rows"
        return
    if tally.rows_read and tally.dropped > MAX_REJECTED_SHARE * tally.rows_read:
        result.error = (
            f"{display}: {tally.dropped} of {tally.rows_read} records rejected;"
            f" most common: {tally.top_reason()}"
        )
        return
    superseded = _supersede_duplicates(con, source, spec, path, display, meta, tally.stream)
    tally.examples += superseded[: max(0, 5 - len(tally.examples))]

    if kind == "snapshot":
        keep = (
            [f for f in spec.field_names if f not in tally.mentioned and f not in spec.key]
            if keep_stored
            else []
        )
        rows_loaded, rows_deleted = raw_store.replace_rows(con, spec, keep)
        result.columns_missing += keep
    else:
        rows_loaded, rows_deleted = raw_store.merge_rows(con, spec), 0
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
        rows_quarantined=tally.dropped,
        loaded_at=loaded_at,
        kind=kind,
        rows_deleted=rows_deleted,
        duplicates=len(superseded),
        fields_nulled=tally.nulled,
        rows_flagged=tally.flagged,
    )
    result.rows_loaded += rows_loaded
    result.rows_deleted += rows_deleted
    result.rows_quarantined += tally.dropped
    result.fields_nulled += tally.nulled
    result.rows_flagged += tally.flagged
    result.duplicates += len(superseded)
    result.examples += tally.examples[: max(0, 5 - len(result.examples))]
    if tally.dropped:
        result.top_reason = tally.top_reason()


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    path: Path,
    display: str,
    meta: dict,
    track_mentioned: bool,
    stream: bool,
) -> _Tally:
    """Check the file batch by batch: typed rows into `incoming`, problems into the
    quarantine. Memory holds one batch, however large the file."""
    raw_store.start_incoming(con, spec)
    tally = _Tally(stream=stream, track_mentioned=track_mentioned)
    seq = 0
    gc_was_enabled = gc.isenabled()
    # Building a batch makes millions of objects and no cycles; Python's cycle
    # collector would walk the growing batch again and again (a third of the
    # time at 1M applications). It runs once per batch instead, between batches.
    gc.disable()
    try:
        for content in source.read(path, display, spec, stream):
            _stage_batch(con, spec, display, meta, content, seq, tally)
            size = len(content.records)
            seq += size
            del content  # before the next batch is read: one batch in memory at a time
            if size >= 10_000:  # a small file's few objects wait for the usual collections
                gc.collect()
    finally:
        if gc_was_enabled:
            gc.enable()
    return tally


def _stage_batch(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    display: str,
    meta: dict,
    content: FileContent,
    seq: int,
    tally: _Tally,
) -> None:
    """Check one batch: its typed rows into `incoming` (numbered from `seq` in file
    order), its problems into the quarantine, its counts into the tally."""
    records = content.records
    tally.warnings += content.warnings
    tally.rows_read += len(records)
    if tally.track_mentioned:
        tally.mentioned |= _mentioned(content)
    checked = check_records(spec, records)
    dropped = checked.bad_index
    for p in checked.problems:
        if p.action == DROPPED:
            tally.reasons[(p.field, p.reason)] += 1
            tally.first_at.setdefault((p.field, p.reason), records[p.index].location)
    good = checked.rows.drop(index=list(dropped))
    raw_store.add_incoming(con, spec, good.assign(_seq=good.index + seq, **meta))
    quarantined = _quarantine_rows(
        spec, display, meta["_load_id"], meta["_loaded_at"], records, checked.problems
    )
    raw_store.quarantine_rows(con, quarantined)
    tally.dropped += len(dropped)
    tally.nulled += sum(p.action == NULLED for p in checked.problems)
    tally.flagged += len({p.index for p in checked.problems if p.action == FLAGGED})
    tally.examples += [_example(q) for q in quarantined[: max(0, 5 - len(tally.examples))]]


def _example(q: dict) -> str:
    return f"{q['file']} {q['location']}: {q['field'] or 'record'}: {q['reason']} ({q['action']})"


def _mentioned(content: FileContent) -> set[str]:
    """The fields a file (batch) mentions, even as null: a CSV's header, or the records' keys."""
    if content.columns is not None:
        return content.columns
    mentioned: set[str] = set()
    for record in content.records:
        mentioned.update(record.data)
    return mentioned


def _supersede_duplicates(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    path: Path,
    display: str,
    meta: dict,
    stream: bool,
) -> list[str]:
    """One incoming row per key: the newest by the object's own timestamp, then the
    later line. The older versions go to the quarantine; returns their examples."""
    rows = raw_store.incoming_duplicates(con, spec)
    if rows.empty:
        return []
    problems = _superseded(spec, rows)
    raw_store.drop_incoming(con, [p.index for p in problems])
    wanted = {p.index for p in problems}
    records, seq = {}, 0  # the superseded records as read, for the quarantine
    for content in source.read(path, display, spec, stream):
        for offset, record in enumerate(content.records):
            if seq + offset in wanted:
                records[seq + offset] = record
        seq += len(content.records)
    quarantined = _quarantine_rows(
        spec, display, meta["_load_id"], meta["_loaded_at"], records, problems
    )
    raw_store.quarantine_rows(con, quarantined)
    return [_example(q) for q in quarantined]


def _superseded(spec: EntitySpec, rows: pd.DataFrame) -> list[Problem]:
    """The older versions among rows sharing a key (index: place in the file)."""
    keys = list(spec.key)
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
    return sorted(problems, key=lambda p: p.index)


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
