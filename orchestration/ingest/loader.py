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
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.errors import describe_exception
from orchestration.fingerprint import file_sha256
from orchestration.ingest import raw_store
from orchestration.ingest.checked import (
    Batch,
    FileJob,
    FilePool,
    Prepared,
    Tally,
    checked_batches,
    example,
    quarantine_records,
    queue_file,
    queued_digest,
    stamped,
)
from orchestration.ingest.readers import BatchReadFailed, ExportFileError
from orchestration.ingest.sources import Source
from orchestration.ingest.specs import EntitySpec
from orchestration.ingest.validation import DROPPED, Problem
from orchestration.progress import PROGRESS_SECONDS, Pace

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
    errors: logging.Logger | logging.LoggerAdapter = log,
    spool_dir: Path | None = None,
    report: Callable[[str], None] = log.info,
) -> list[FileResult]:
    """Every entity of the source, one result each. `sha256`: how a file's content
    hash is found (fingerprint.recorded_sha256). An unexpected failure becomes its
    entity's error result, naming the file; its traceback goes to `errors`.
    `spool_dir`: where worker processes spool checked batches (None: the system's
    temporary folder). `report` is told each entity's outcome as soon as it is
    stored (`result_line`), and how far a long file has got (`PROGRESS_SECONDS`).

    Every entity's files are planned first, so that worker processes check the
    large ones ahead while this process stores each in turn."""
    raw_store.ensure_raw_tables(con, source.specs)

    def digest(path: Path) -> str:  # a file queued ahead was hashed then
        return queued_digest(path) or sha256(path)

    def guarded(spec: EntitySpec, step: Callable[[], _Plan | FileResult]):
        try:
            return step()
        except Exception as exc:
            file = _file_of(source, spec, export_dir)
            errors.error(f"{file}: unexpected error while loading\n{traceback.format_exc()}")
            error = f"{file}: could not be loaded: {describe_exception(exc)}"
            return FileResult(source.name, spec.name, file, "error", error=error)

    plans = [
        guarded(spec, lambda spec=spec: _plan(con, source, spec, export_dir, load_id, digest))
        for spec in source.specs
    ]
    todos = [(plan.spec, todo) for plan in plans if isinstance(plan, _Plan) for todo in plan.todo]
    for_workers = FilePool.worth_it([todo.path for _, todo in todos])
    with FilePool(spool_dir) as pool:
        for spec, todo in todos:
            if todo.path in for_workers:
                pool.submit(FileJob(source, spec, todo.path, todo.name), todo.digest)
        results = []
        for spec, plan in zip(source.specs, plans, strict=True):
            results.append(guarded(spec, lambda plan=plan: _apply(con, source, plan, pool, report)))
            if (line := result_line(results[-1])) is not None:
                report(line)
        return results


def result_line(result: FileResult) -> str | None:
    """What a refresh says of an entity once it is stored, or blocked (None: nothing to say)."""
    if result.blocking:
        return f"  {result.error}"
    if result.status == "loaded":
        return (
            f"  {result.file}: {result.rows_loaded:,} rows loaded,"
            f" {result.rows_quarantined:,} quarantined ({result.seconds:.1f} s)"
        )
    return None


class _Progress:
    """Says how far a file has got, when it has taken PROGRESS_SECONDS since it began
    or since it last said so."""

    def __init__(self, report: Callable[[str], None], display: str) -> None:
        self._report, self._display = report, display
        self._pace = Pace(PROGRESS_SECONDS)

    def __call__(self, count: int, what: str = "records checked") -> None:
        if (seconds := self._pace.due()) is not None:
            self._report(f"  {self._display}: {count:,} {what} ({seconds:.0f} s)")


def queue_export(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    export_dir: Path,
    sha256: Callable[[Path], str] = file_sha256,
    spool_dir: Path | None = None,
) -> int:
    """A refresh's first step, when its workers started ahead: plan every source's files
    as `load_source` will, and queue them in the workers now (`checked.queue_file`).

    A source's files are otherwise given to the workers only when its load begins:
    at 1M applications the workers sat idle (a core for about 25 s in all) while the
    loader stored a source's last files and until the next source began. Returns how
    many files were queued. Anything that fails here is left to the source's own
    load, which names it; a file that changed since is checked again there."""
    queued = 0
    for source in sources:
        raw_store.ensure_raw_tables(con, source.specs)
        for spec in source.specs:
            try:
                plan = _plan(con, source, spec, export_dir, "queued", sha256)
            except Exception:  # the source's load reports it, naming the file
                continue
            if not isinstance(plan, _Plan):
                continue
            for todo in plan.todo:
                job = FileJob(source, spec, todo.path, todo.name)
                if not queue_file(job, todo.digest, spool_dir):
                    return queued  # no workers started ahead: each load submits its own
                queued += 1
    return queued


def _file_of(source: Source, spec: EntitySpec, export_dir: Path) -> str:
    """The entity's file as the export names it, for an error message."""
    file = f"{source.folder}/{spec.name}{spec.extensions[0]}"
    with contextlib.suppress(Exception):  # naming the file must not fail too
        snapshot, deltas = source.find_files(export_dir, spec)
        path = snapshot or (deltas[0] if deltas else None)
        file = path.relative_to(export_dir).as_posix() if path else file
    return file


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    export_dir: Path,
    load_id: str,
    sha256: Callable[[Path], str] = file_sha256,
) -> FileResult:
    """Bring one entity's raw rows in line with its files in the export folder."""
    return _apply(con, source, _plan(con, source, spec, export_dir, load_id, sha256))


@dataclass
class _Todo:
    """One file to load."""

    kind: str  # snapshot | delta
    name: str  # path relative to the export folder
    path: Path
    digest: str
    meta: dict  # the raw rows' _load_id, _source_file, _file_hash, _loaded_at


@dataclass
class _Plan:
    """What loading an entity will do: its files to load, in order."""

    spec: EntitySpec
    display: str
    same_snapshot: bool  # False: the stored rows are forgotten first
    todo: list[_Todo]


def _plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    export_dir: Path,
    load_id: str,
    sha256: Callable[[Path], str],
) -> _Plan | FileResult:
    """The entity's files to load, or its result when there is nothing to load."""
    display = f"{source.folder}/{spec.name}{spec.extensions[0]}"
    try:
        snapshot, deltas = source.find_files(export_dir, spec)
    except ExportFileError as exc:
        return FileResult(source.name, spec.name, display, "error", error=str(exc))
    files = ([("snapshot", snapshot)] if snapshot else []) + [("delta", d) for d in deltas]
    if not files:
        stored = raw_store.current_files(con, spec)
        if not source.in_export(export_dir) and not stored:
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
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    todo = [
        _Todo(kind, name, export_dir / name, digest, _meta(load_id, name, digest, loaded_at))
        for kind, name, digest in wanted
        if not same_snapshot or (kind, name, digest) not in current
    ]
    return _Plan(spec, display, same_snapshot, todo)


def _meta(load_id: str, name: str, digest: str, loaded_at: datetime) -> dict:
    return {
        "_load_id": load_id,
        "_source_file": name,
        "_file_hash": digest,
        "_loaded_at": loaded_at,
    }


def _apply(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    plan: _Plan | FileResult,
    pool: FilePool | None = None,
    report: Callable[[str], None] | None = None,
) -> FileResult:
    """Load the planned files in one transaction: a file that blocks leaves the entity as it was."""
    if isinstance(plan, FileResult):
        return plan
    spec = plan.spec
    result = FileResult(source.name, spec.name, plan.display, "loaded")
    started = time.perf_counter()
    con.execute("begin transaction")
    try:
        if not plan.same_snapshot:
            raw_store.forget_entity(con, spec)
        for todo in plan.todo:
            progress = _Progress(report, todo.name) if report else None
            prepared = pool.take(todo.path, progress, PROGRESS_SECONDS) if pool else None
            _load_one(con, source, spec, todo, result, prepared, progress)
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
    for example_ in result.examples:
        log.warning("quarantined %s", example_)
    for warning in result.warnings:
        log.warning("%s", warning)
    return result


def _load_one(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    spec: EntitySpec,
    todo: _Todo,
    result: FileResult,
    prepared: Prepared | None,
    progress: _Progress | None = None,
) -> None:
    kind, display, path, meta = todo.kind, todo.name, todo.path, todo.meta
    keep_stored = kind == "snapshot" and raw_store.stored_rows(con, spec) > 0
    if prepared is not None:  # checked by a worker
        if prepared.note:
            log.info("%s", prepared.note)
        if prepared.error:
            result.error = prepared.error
            return
        tally = prepared.tally
        _store(con, spec, stamped(prepared.batches(), meta), progress)
    else:
        job = FileJob(source, spec, path, display)
        try:
            try:
                tally = Tally(stream=True, track_mentioned=keep_stored)
                _store(con, spec, stamped(checked_batches(job, tally), meta), progress)
            except BatchReadFailed as exc:  # discard the batches; read the file whole
                log.info("%s: read again as a whole (%s)", display, exc)
                con.execute(
                    "delete from raw.quarantine where load_id = ? and entity = ? and file = ?",
                    [meta["_load_id"], spec.name, display],
                )
                tally = Tally(stream=False, track_mentioned=keep_stored)
                _store(con, spec, stamped(checked_batches(job, tally), meta), progress)
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
    load_id, loaded_at, digest = meta["_load_id"], meta["_loaded_at"], todo.digest
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


def _store(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    batches: Iterator[Batch],
    progress: _Progress | None = None,
) -> None:
    """The file's typed rows into `incoming`, its problems into the quarantine;
    `progress` is told after each batch how many rows are in so far."""
    raw_store.start_incoming(con, spec)
    rows = 0
    for good, quarantined in batches:
        raw_store.add_incoming(con, spec, good)
        raw_store.quarantine_rows(con, quarantined)
        rows += len(good)
        if progress is not None:
            progress(rows, "rows stored")


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
    quarantined = quarantine_records(
        spec, display, records, problems, meta["_load_id"], meta["_loaded_at"]
    )
    raw_store.quarantine_rows(con, quarantined)
    return [example(q) for q in quarantined]


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
