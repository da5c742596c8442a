"""`hiring status`: what a warehouse holds now, without refreshing it or serving it.

An analyst's "did last night's refresh work?": the published snapshot (when, as of
when, its files and checks, each check that did not pass and what it requires), the
latest refreshes, including any that failed after that snapshot was published (they
are only in the warehouse's history, `ops.refresh_log`), and whether a refresh is
running. Everything is read read-only; the snapshot's numbers come from the same
queries as the Data health page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dashboards import formats, queries
from orchestration.engine import connect_duckdb
from orchestration.health import OPS_SCHEMA, PUBLISHED
from orchestration.locations import PUBLISHED_FILE, WAREHOUSE_FILE
from orchestration.lock import running_refresh

RECENT_REFRESHES = 5
MAX_CHECKS_SHOWN = 10
HISTORY_SQL = """
    select refreshed_at, outcome, failed_step, as_of_date, files_loaded, rows_loaded
    from {table}
    order by refreshed_at desc, load_id desc
"""


@dataclass(frozen=True)
class Status:
    text: str
    latest_published: bool  # the newest refresh published (exit 0), or none ran yet


def warehouse_status(warehouse_dir: Path) -> Status:
    """Raises FileNotFoundError without a published snapshot, duckdb.Error when it
    cannot be read."""
    warehouse_dir = warehouse_dir.resolve()
    published = warehouse_dir / PUBLISHED_FILE
    if not published.is_file():
        raise FileNotFoundError(published)
    con = connect_duckdb(published, read_only=True)
    try:
        info = queries.snapshot_info(con)
        summary = queries.health_summary(con)
        checks = queries.check_results(con, None)  # the whole snapshot: checks have no filters
        kept_history = con.execute(HISTORY_SQL.format(table="main.meta_refresh_history")).df()
    finally:
        con.close()
    running = running_refresh(warehouse_dir)
    history = None if running else _warehouse_history(warehouse_dir / WAREHOUSE_FILE)

    when = formats.timestamp(info.published_at) if info and info.published_at else "—"
    as_of = formats.as_of(info.as_of_date, info.latest_event_date) if info else "—"
    passed = summary.checks - summary.checks_warned - summary.checks_failed
    lines = [
        f"Warehouse {warehouse_dir}",
        f"  published    {when}, data as of {as_of}",
        f"  files        {summary.files} ({summary.files_this_refresh} loaded by that refresh,"
        f" {summary.files - summary.files_this_refresh} unchanged),"
        f" {summary.rows_quarantined:,} rows quarantined",
        f"  checks       {passed} passed, {summary.checks_failed} failed,"
        f" {summary.checks_warned} warned",
    ]
    looked_at = checks[checks["status"] != "pass"]
    lines += [
        f"    {c.status} · {formats.check_line(c)}"
        for c in looked_at.head(MAX_CHECKS_SHOWN).itertuples()
    ]
    if len(looked_at) > MAX_CHECKS_SHOWN:
        lines.append(f"    … and {len(looked_at) - MAX_CHECKS_SHOWN} more: see Data health")
    refreshes = kept_history if history is None else history
    kept_only = " (as the snapshot kept them)" if history is None else ""
    lines.append(f"  refreshes    newest first{kept_only}")
    recent = refreshes.head(RECENT_REFRESHES).itertuples()
    lines += [f"    {_refresh_line(row)}" for row in recent]
    latest_published = refreshes.empty or refreshes.iloc[0]["outcome"] == PUBLISHED
    if running:
        lines.append(f"A refresh (PID {running}) is running now; its result is not above yet.")
    elif not latest_published:
        lines.append(
            "The latest refresh FAILED: the published snapshot is the one before it."
            f" Why: {warehouse_dir / 'logs' / 'refresh.log'}"
        )
    return Status("\n".join(lines), latest_published)


def _warehouse_history(warehouse_db: Path) -> pd.DataFrame | None:
    """Every refresh of the warehouse, failed ones after the last publish included; None
    when it cannot be read (no warehouse yet, or one from before the history was kept)."""
    if not warehouse_db.is_file():
        return None
    try:
        con = connect_duckdb(warehouse_db, read_only=True)
    except duckdb.Error:  # held by a process that is not a refresh (a notebook)
        return None
    try:
        return con.execute(HISTORY_SQL.format(table=f"{OPS_SCHEMA}.refresh_log")).df()
    except duckdb.Error:
        return None
    finally:
        con.close()


def _refresh_line(row) -> str:
    when = formats.timestamp(pd.Timestamp(row.refreshed_at).to_pydatetime())
    if row.outcome != PUBLISHED:
        step = row.failed_step if isinstance(row.failed_step, str) else "an unknown step"
        return f"{when}  FAILED at {step}"
    as_of = formats.long_date(pd.Timestamp(row.as_of_date).date())
    return (
        f"{when}  published, as of {as_of}: {row.files_loaded:,} files,"
        f" {row.rows_loaded:,} rows loaded"
    )
