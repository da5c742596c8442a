"""`hiring refresh`: run the refresh assets in process and summarize what happened.

The run is the same set of assets the Dagster UI shows (ingest, dbt, publish),
executed with the in-process executor. The summary is read back from the run's
own events, so the CLI reports exactly what the UI would.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.resources import WarehouseResource

QUIET_DAGSTER = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RefreshSummary:
    files_loaded: int = 0
    files_unchanged: int = 0
    files_missing: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    published: bool = False
    as_of_date: str | None = None
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    log_path: Path | None = None


def run_refresh(exports_dir: Path, warehouse_dir: Path, as_of: str | None = None) -> RefreshSummary:
    from dagster import DagsterInstance, materialize

    from orchestration.transform import ensure_manifest

    started = time.perf_counter()
    warehouse = WarehouseResource(
        exports_dir=str(exports_dir.resolve()),
        warehouse_dir=str(warehouse_dir.resolve()),
        as_of=as_of,
    )
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DAGSTER_HOME", str(warehouse_dir.resolve() / ".dagster"))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    _progress("preparing the dbt project")
    ensure_manifest(warehouse.warehouse_db)

    from orchestration.assets import ALL_ASSETS
    from orchestration.resources import build_resources

    instance = DagsterInstance.ephemeral()
    log_path = warehouse_dir.resolve() / "logs" / "refresh.log"
    log_path.parent.mkdir(exist_ok=True)
    # dbt's own log lines go to the log file; the terminal gets progress and the summary.
    with log_path.open("w") as log_file, contextlib.redirect_stdout(log_file):
        result = materialize(
            ALL_ASSETS,
            resources=build_resources(warehouse),
            instance=instance,
            run_config=QUIET_DAGSTER,
            raise_on_error=False,
        )
    summary = summarize(instance.all_logs(result.run_id))
    summary.log_path = log_path
    summary.seconds = time.perf_counter() - started
    return summary


def summarize(entries) -> RefreshSummary:
    """Read the summary from a run's event log entries."""
    summary = RefreshSummary()
    step_started: dict[str, float] = {}
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
            _count_materialization(summary, event.event_specific_data.materialization)
        elif kind == "ASSET_CHECK_EVALUATION":
            _count_check(summary, event.event_specific_data)
        elif kind == "STEP_FAILURE":
            error = event.event_specific_data.error
            message = error.message.strip() if error else (event.message or "")
            if message.startswith("dagster."):  # drop the exception class name
                message = message.split(": ", 1)[-1]
            summary.failures.append(f"{event.step_key}: {message}")
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
    elif key == ["published_snapshot"]:
        summary.published = True
        summary.as_of_date = meta.get("as_of_date") or None


def _count_check(summary: RefreshSummary, evaluation) -> None:
    name = f"{'/'.join(evaluation.asset_key.path)}:{evaluation.check_name}"
    if evaluation.passed:
        summary.checks_passed += 1
        return
    detail = evaluation.description or ""
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
        f"  checks            {summary.checks_passed} passed, {len(summary.checks_failed)} failed,"
        f" {len(summary.checks_warned)} warned",
    ]
    lines += [f"    failed:  {c}" for c in summary.checks_failed[:10]]
    lines += [f"    warning: {c}" for c in summary.checks_warned[:10]]
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
