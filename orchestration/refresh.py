"""`hiring refresh`: run the refresh assets in process and summarize what happened.

The run is the same set of assets the Dagster UI shows (ingest, dbt, publish),
executed with the in-process executor. The summary is read back from the run's
own events, so the CLI reports exactly what the UI would.

The whole refresh holds the warehouse's lock (orchestration/lock.py) and
writes its own log file, `WAREHOUSE/logs/refresh-<UTC time>.log`; the newest
`LOGS_KEPT` are kept and `logs/refresh.log` is a symlink to the newest.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import fingerprint
from orchestration.errors import describe_error_info
from orchestration.locations import PUBLISHED_FILE, WAREHOUSE_FILE
from orchestration.lock import warehouse_lock

if TYPE_CHECKING:  # Dagster is imported only when a refresh has work to do
    from orchestration.resources import WarehouseResource

QUIET_DAGSTER = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
LOGS_KEPT = 10
LOG_POINTER = "refresh.log"
RUN_ARTIFACTS = Path(".dagster") / "run"  # in the warehouse: the instance's artifact folder


@dataclass
class RefreshSummary:
    files_loaded: int = 0
    files_unchanged: int = 0
    files_missing: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_deleted: int = 0
    duplicates: int = 0
    fields_nulled: int = 0
    rows_flagged: int = 0
    warnings: list[str] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    failed_step: str | None = None  # the first step that failed
    published: bool = False
    nothing_changed: bool = False  # same export, project and options: nothing was run
    last_refresh_at: str | None = None  # when nothing changed: the refresh that published
    as_of_date: str | None = None
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    log_path: Path | None = None


def run_refresh(
    exports_dir: Path,
    warehouse_dir: Path,
    as_of: str | None = None,
    *,
    rebuild: bool = False,
    wait: bool = False,
    force: bool = False,
) -> RefreshSummary:
    """Refresh under the warehouse lock; raises `WarehouseBusy` when another holds it.

    When the export, the project and the options are those of the last published
    refresh, nothing runs (`nothing_changed`) unless `force` or `rebuild` is set.
    """
    started = time.perf_counter()
    warehouse_dir.mkdir(parents=True, exist_ok=True)

    def on_wait(pid: str) -> None:
        _progress(f"waiting: another refresh (PID {pid}) holds {warehouse_dir}")

    with warehouse_lock(warehouse_dir, wait=wait, on_wait=on_wait):
        inputs = _inputs(exports_dir, as_of)
        last = None if force or rebuild else fingerprint.unchanged_since(warehouse_dir, inputs)
        if last is not None:
            return RefreshSummary(
                nothing_changed=True,
                last_refresh_at=last.finished_at,
                as_of_date=last.as_of_date,
                files_unchanged=last.files,
                seconds=time.perf_counter() - started,
            )
        log_path = new_run_log(warehouse_dir.resolve() / "logs")
        with log_path.open("a") as log_file, _progress_to(log_file):
            try:
                summary = _run(exports_dir, warehouse_dir, as_of, rebuild, log_file)
            except Exception:
                log_file.write(traceback.format_exc())  # the caller prints one line
                raise
            summary.log_path = log_path
            log_file.write(format_summary(summary, warehouse_dir.resolve() / PUBLISHED_FILE))
            log_file.write("\n")
        if summary.published:
            _remember(warehouse_dir, inputs, summary)
    return summary


def _remember(warehouse_dir: Path, inputs: fingerprint.Inputs, summary: RefreshSummary) -> None:
    """Record what the new snapshot was built from; without it the next refresh runs in full."""
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        ingested = _ingested_hashes(warehouse_dir.resolve() / WAREHOUSE_FILE)
        fingerprint.record(warehouse_dir, inputs, finished, summary.as_of_date, ingested)
    except Exception as error:  # the snapshot is published; only the shortcut is lost
        _progress(f"could not record this refresh's inputs (the next runs in full): {error}")


def _ingested_hashes(warehouse_db: Path) -> dict[str, str]:
    """Export path -> SHA-256 of every file the raw layer's rows come from."""

    from orchestration.engine import connect_duckdb

    con = connect_duckdb(warehouse_db, read_only=True)
    try:
        return dict(con.execute("select file, file_hash from raw.file_state").fetchall())
    finally:
        con.close()


def _inputs(exports_dir: Path, as_of: str | None) -> fingerprint.Inputs:
    from orchestration.engine import current_engine
    from orchestration.ingest import pii

    return fingerprint.Inputs.of(exports_dir, as_of, current_engine(), pii.salt())


def _run(
    exports_dir: Path, warehouse_dir: Path, as_of: str | None, rebuild: bool, log_file
) -> RefreshSummary:
    started = time.perf_counter()
    # One set of ingest worker processes for every source, started first: each imports
    # what checking needs (about 3 s) while this process imports and sets up Dagster
    # and the dbt project; then they check the export while the loader stores.
    from orchestration.ingest.checked import start_workers_ahead, workers_kept

    with _fewer_collections(), workers_kept():
        start_workers_ahead(_export_bytes(exports_dir))
        summary = _run_with_workers(exports_dir, warehouse_dir, as_of, rebuild, log_file)
    summary.seconds = time.perf_counter() - started
    return summary


@contextlib.contextmanager
def _fewer_collections():
    """Python's cycle collector less often while the refresh runs: importing and setting
    up Dagster and the dbt assets allocates millions of objects, and at its default
    (a collection every 700 allocations) it took 0.3 s of a 8.6 s demo refresh. What
    the setup froze (`gc.freeze`) is collectable again after."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _run_with_workers(
    exports_dir: Path, warehouse_dir: Path, as_of: str | None, rebuild: bool, log_file
) -> RefreshSummary:
    from dagster import materialize

    from orchestration.resources import WarehouseResource

    warehouse = WarehouseResource(
        exports_dir=str(exports_dir.resolve()),
        warehouse_dir=str(warehouse_dir.resolve()),
        as_of=as_of,
    )
    os.environ.setdefault("DAGSTER_HOME", str(warehouse_dir.resolve() / ".dagster"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    salt_warning = warehouse.demo_salt_warning()
    if salt_warning:
        logging.getLogger("hiring.progress").warning(f"WARNING: {salt_warning}")
    _progress("preparing the dbt project")
    if rebuild:
        _drop_raw(warehouse)
    # Creating the raw tables and queueing the export (0.4 s of a new warehouse) go on
    # while this thread imports dagster-dbt and dbt (1.3 s); dbt's parse waits for them.
    queueing = threading.Thread(target=_queue_export, args=(warehouse,), name="queue-export")
    queueing.start()
    from orchestration.transform import ensure_manifest

    queueing.join()
    ensure_manifest(warehouse.warehouse_db)

    from orchestration.assets import ALL_ASSETS
    from orchestration.instance import ephemeral_instance
    from orchestration.resources import build_resources

    # What setup made (modules, Dagster's definitions, dbt's manifest: millions of
    # objects) lives as long as the refresh: full collections skip it from here on. The
    # ingest's collections after a large load took 1.2 s at 100k applications.
    gc.freeze()
    # Disposed at the end (its artifact folder removed), not when the process exits:
    # `hiring` ends its process without Python's teardown (cli._exit).
    with ephemeral_instance(warehouse_dir.resolve() / RUN_ARTIFACTS) as instance:
        # dbt's own log lines go to the log file; the terminal gets progress and the summary.
        with contextlib.redirect_stdout(log_file):
            result = materialize(
                ALL_ASSETS,
                resources=build_resources(warehouse),
                instance=instance,
                run_config=QUIET_DAGSTER,
                raise_on_error=False,
            )
        entries = instance.all_logs(result.run_id)
    _write_run_log(log_file, entries)
    summary = summarize(entries)
    if not summary.published:
        _record_failure(warehouse, result.run_id, summary.failed_step)
    if salt_warning:
        summary.warnings.insert(0, salt_warning)
    return summary


def _record_failure(warehouse: WarehouseResource, run_id: str, step: str | None) -> None:
    """Add the failed refresh to the warehouse's history (the next snapshot shows it)."""
    from orchestration import health

    if not warehouse.warehouse_db.exists():
        return
    try:
        health.record_refresh(warehouse.warehouse_db, run_id, health.FAILED, failed_step=step)
    except Exception as error:  # the refresh's own failure is what the summary reports
        _progress(f"could not record the failed refresh in the history: {error}")


def _export_bytes(exports_dir: Path) -> int | None:
    try:
        return sum(path.stat().st_size for path in fingerprint.export_files(exports_dir))
    except OSError:  # a file gone meanwhile: the ingest will say so
        return None


def _queue_export(warehouse: WarehouseResource) -> None:
    """Give every source's new files to the ingest's workers now: they check them while
    this process sets up, and while the loader stores the sources before each."""
    from orchestration.errors import describe_exception
    from orchestration.fingerprint import recorded_sha256
    from orchestration.ingest import raw_store
    from orchestration.ingest.loader import queue_export
    from orchestration.ingest.sources import SOURCES

    try:
        con = raw_store.connect(warehouse.warehouse_db)
        try:
            queue_export(
                con,
                SOURCES,
                warehouse.exports_path,
                recorded_sha256(Path(warehouse.warehouse_dir), warehouse.exports_path),
                warehouse.ingest_spool_dir,
            )
        finally:
            con.close()
    except Exception as error:  # only a head start is lost: each source's load checks its files
        _progress(f"ingest: files not queued ahead ({describe_exception(error)})")


def _drop_raw(warehouse: WarehouseResource) -> None:
    """`--rebuild`: forget every raw row and load record, so the export alone decides."""
    from orchestration.ingest import raw_store

    if not warehouse.warehouse_db.exists():
        return
    _progress("rebuild: dropping the raw layer; every export file is loaded again")
    con = raw_store.connect(warehouse.warehouse_db)
    try:
        raw_store.drop_raw(con)
    finally:
        con.close()


def new_run_log(logs_dir: Path, now: datetime | None = None) -> Path:
    """Create this refresh's log file; keep the newest `LOGS_KEPT`; point refresh.log at it.

    Earlier logs are never emptied: the last good run's log is what explains a
    failure after it. The pointer is a relative symlink, replaced atomically.
    """
    logs_dir.mkdir(parents=True, exist_ok=True)
    pointer = logs_dir / LOG_POINTER
    if pointer.is_file() and not pointer.is_symlink():  # a log written before per-run logs
        written = datetime.fromtimestamp(pointer.stat().st_mtime, UTC)
        pointer.rename(logs_dir / _log_name(written))
    path = logs_dir / _log_name(now or datetime.now(UTC))
    path.touch(exist_ok=False)
    link = logs_dir / f".{LOG_POINTER}.new"
    link.unlink(missing_ok=True)
    link.symlink_to(path.name)
    os.replace(link, pointer)
    for old in sorted(logs_dir.glob("refresh-*.log"))[:-LOGS_KEPT]:
        old.unlink()
    return path


def _log_name(at: datetime) -> str:
    return f"refresh-{at.strftime('%Y%m%dT%H%M%S.%fZ')}.log"  # sorts by time


@contextlib.contextmanager
def _progress_to(log_file):
    """Progress and ingest messages also go to the log file, with the wall clock."""
    handler = logging.StreamHandler(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("hiring.progress", "hiring.ingest")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _write_run_log(log_file, entries) -> None:
    """The run's Dagster log, with full tracebacks: what the terminal summary leaves out."""
    log_file.write("\n--- Dagster run log ---\n")
    for entry in entries:
        at = datetime.fromtimestamp(entry.timestamp, UTC).strftime("%H:%M:%S")
        event = entry.dagster_event
        error = getattr(event.event_specific_data, "error", None) if event else None
        text = entry.user_message or (event.event_type_value if event else "")
        if not text or (entry.level < logging.INFO and error is None):
            continue
        step = f" {entry.step_key}" if entry.step_key else ""
        log_file.write(f"{at} {logging.getLevelName(entry.level)}{step}: {text}\n")
        if error is not None:
            log_file.write(error.to_string() + "\n")


def summarize(entries) -> RefreshSummary:
    """Read the summary from a run's event log entries."""
    from orchestration.assets.ingest import FILE_CHECK, ROWS_CHECK

    summary = RefreshSummary()
    file_status: dict[tuple[str, ...], str] = {}  # raw table's asset -> its file's status
    step_started: dict[str, float] = {}
    # what a blocking check that failed says, per step: the cause of that step's failure
    failed_checks: dict[str, list[str]] = {}
    for entry in entries:
        event = entry.dagster_event
        if event is None:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            step_started[event.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in step_started:
            summary.step_seconds[event.step_key] = entry.timestamp - step_started[event.step_key]
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            _count_materialization(summary, materialization)
            status = materialization.metadata.get("status")
            file_status[tuple(materialization.asset_key.path)] = getattr(status, "value", status)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            # The checks the snapshot lists (Data health): each dbt test, and the row
            # validation of each file in the raw layer. A file that cannot be read is a
            # failed check; one that can is not a check of its own, and a file or
            # source the export does not have has nothing checked.
            if evaluation.check_name == FILE_CHECK:
                counted = not evaluation.passed
            elif evaluation.check_name == ROWS_CHECK:
                status = file_status.get(tuple(evaluation.asset_key.path))
                counted = status in ("loaded", "unchanged")
            else:
                counted = True
            if counted:
                _count_check(summary, evaluation)
            if not evaluation.passed and evaluation.severity.value == "ERROR":
                failed_checks.setdefault(event.step_key, []).append(
                    evaluation.description or evaluation.check_name
                )
        elif kind == "STEP_FAILURE":
            summary.failed_step = summary.failed_step or event.step_key
            failure = event.event_specific_data
            raised_by_step = failure.user_failure_data is not None or (
                failure.error_source.value == "USER_CODE_ERROR"
            )
            if not raised_by_step and event.step_key in failed_checks:
                # Dagster stopped a step that finished: its blocking checks say why
                causes = "\n".join(failed_checks[event.step_key])
                summary.failures.append(f"{event.step_key}: stopped by a failed check:\n{causes}")
                continue
            error = failure.error
            message = describe_error_info(error) if error else (event.message or "")
            summary.failures.append(f"{event.step_key}: {message}")
        elif kind == "RUN_FAILURE" and not summary.failures:
            # a failure outside any step, e.g. a resource that could not start
            error = getattr(event.event_specific_data, "error", None)
            summary.failures.append(describe_error_info(error) if error else event.message or "")
    return summary


def _count_materialization(summary: RefreshSummary, materialization) -> None:
    meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    key = materialization.asset_key.path
    if key[0].startswith("raw_"):
        status = meta.get("status")
        summary.files_loaded += status == "loaded"
        summary.files_unchanged += status == "unchanged"
        summary.files_missing += status == "missing"
        summary.rows_loaded += int(meta.get("rows_loaded", 0))
        summary.rows_quarantined += int(meta.get("rows_quarantined", 0))
        summary.rows_deleted += int(meta.get("rows_deleted", 0))
        summary.duplicates += int(meta.get("duplicates", 0))
        summary.fields_nulled += int(meta.get("fields_nulled", 0))
        summary.rows_flagged += int(meta.get("rows_flagged", 0))
        file = meta.get("file", "/".join(key))
        if columns := meta.get("columns_missing"):
            summary.warnings.append(
                f"{file}: optional columns absent, stored values kept: {', '.join(columns)}"
            )
        summary.warnings += list(meta.get("warnings") or [])
    elif key == ["published_snapshot"]:
        summary.published = True
        summary.as_of_date = meta.get("as_of_date") or None


def _count_check(summary: RefreshSummary, evaluation) -> None:
    name = f"{'/'.join(evaluation.asset_key.path)}:{evaluation.check_name}"
    if evaluation.passed:
        summary.checks_passed += 1
        return
    # a file's blocking error is listed once, under the file errors
    detail = "" if evaluation.check_name == "file_readable" else evaluation.description or ""
    failing = (evaluation.metadata or {}).get("dagster_dbt/failed_row_count")
    rows = getattr(failing, "value", failing)
    if rows is not None and not detail:  # a dbt test: say how many rows it found
        detail = f"{rows} row{'s' if rows != 1 else ''}"
    label = f"{name}" + (f" ({detail})" if detail else "")
    if evaluation.severity.value == "WARN":
        summary.checks_warned.append(label)
    else:
        summary.checks_failed.append(label)


# -- output ---------------------------------------------------------------------------

_progress_started = time.perf_counter()


def _progress(message: str) -> None:
    logging.getLogger("hiring.progress").info(message)


class _ElapsedFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"[{time.perf_counter() - _progress_started:6.1f}s] {record.getMessage()}"


def show_progress(stream=sys.stderr) -> None:
    global _progress_started
    _progress_started = time.perf_counter()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_ElapsedFormatter())
    for name in ("hiring.progress", "hiring.ingest"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False


def format_summary(summary: RefreshSummary, published_db: Path) -> str:
    if summary.nothing_changed:
        return (
            f"Nothing changed since the refresh of {summary.last_refresh_at}: the"
            f" {summary.files_unchanged} export files, the project and the options are the same.\n"
            f"{published_db} (as of {summary.as_of_date}) is kept as it is;"
            " `hiring refresh --force` runs every step anyway."
        )
    lines = [
        "",
        "Refresh summary",
        f"  files loaded      {summary.files_loaded}"
        f"  ({summary.files_unchanged} unchanged, {summary.files_missing} optional files absent)",
        f"  rows loaded       {summary.rows_loaded:,}",
        f"  rows quarantined  {summary.rows_quarantined:,}"
        + (
            "  (details: table raw.quarantine in warehouse.duckdb)"
            if summary.rows_quarantined
            else ""
        ),
        f"  rows deleted      {summary.rows_deleted:,}  (no longer in the new snapshot)",
        f"  duplicates        {summary.duplicates:,}  (resolved: the newest version kept)",
        f"  fields nulled     {summary.fields_nulled:,}  (bad optional value, record kept)",
        f"  rows flagged      {summary.rows_flagged:,}  (time order warnings, record kept)",
        f"  checks            {summary.checks_passed} passed, {len(summary.checks_failed)} failed,"
        f" {len(summary.checks_warned)} warned",
    ]
    lines += [f"    failed:  {c}" for c in summary.checks_failed[:10]]
    lines += [f"    warning: {c}" for c in summary.checks_warned[:10]]
    if summary.warnings:
        lines.append("  warnings")
        lines += [f"    {w}" for w in summary.warnings[:20]]
    if summary.step_seconds:
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in summary.step_seconds.items())
        lines.append(f"  steps             {steps}")
    lines.append(f"  took              {summary.seconds:.1f} s")
    if summary.log_path:
        lines.append(f"  full log          {summary.log_path}")
    if summary.published:
        lines.append(f"Published {published_db} (as of {summary.as_of_date}).")
    else:
        lines.append("Refresh FAILED: nothing was published.")
        lines += ["  " + f.replace("\n", "\n    ") for f in summary.failures]
        state = "is unchanged" if published_db.exists() else "does not exist yet"
        lines.append(f"The previous published snapshot {published_db} {state}.")
    return "\n".join(lines)
