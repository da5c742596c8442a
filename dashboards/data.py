"""Every query the dashboards run against the published snapshot.

Pages never touch DuckDB or SQL: they ask this module for a frame scoped to a
`Scope` and plot it. Metrics are read as the KPI tables hold them, never
recomputed here.

The snapshot is replaced by an atomic rename after each refresh, and DuckDB
keeps one database instance per path per process: a new `connect()` while any
connection to the path is still open returns the old data. So one connection is
shared, and it is closed and reopened whenever the file's identity (inode +
mtime) changes; cached results are keyed on that identity as well.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboards.periods import quarter_label, quarter_start, shift_quarters
from dashboards.settings import PUBLISHED_DB_ENV, published_path

ALL_DEPARTMENTS = "All departments"
ALL_SOURCES = "All ATSs"
MIN_GROUP_SIZE = 5
RESULT_TTL = timedelta(minutes=10)
TREND_QUARTERS = 4  # trend charts show the selected quarter and the three before it

FileIdentity = tuple[int, int]


class PublishedDataMissing(Exception):
    """No published snapshot at the configured path (no refresh has run yet)."""

    def __init__(self, path: Path | None) -> None:
        where = path if path else f"${PUBLISHED_DB_ENV} (unset)"
        super().__init__(f"no published snapshot at {where}")
        self.path = path


class PublishedDataUnreadable(Exception):
    """The snapshot exists but cannot be read as the warehouse contract describes."""


# --- connection -------------------------------------------------------------


def file_identity(path: Path) -> FileIdentity:
    """Changes whenever a refresh renames a new snapshot over the file."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


class _SnapshotConnection:
    """The process's one read-only connection, reopened when the file is replaced."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._opened: tuple[Path, FileIdentity] | None = None

    def read(self, path: Path, identity: FileIdentity, sql: str, params: tuple) -> pd.DataFrame:
        # Queries run one at a time under the lock: a query still running on the old file
        # would keep its database instance alive, and the reconnect would get the old data.
        with self._lock:
            if self._opened != (path, identity):
                self._close()
                self._connection = duckdb.connect(str(path), read_only=True)
                self._opened = (path, identity)
            return self._connection.execute(sql, list(params)).df()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._opened = None


@st.cache_resource(show_spinner=False)
def _snapshot_connection() -> _SnapshotConnection:
    return _SnapshotConnection()


@st.cache_data(ttl=RESULT_TTL, show_spinner=False)
def _cached_query(sql: str, params: tuple, path: Path, identity: FileIdentity) -> pd.DataFrame:
    return _snapshot_connection().read(path, identity, sql, params)


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run parameterized SQL on the current snapshot; results are cached per file version."""
    path = published_path()
    if path is None or not path.is_file():
        raise PublishedDataMissing(path)
    try:
        return _cached_query(sql, tuple(params), path, file_identity(path))
    except (duckdb.Error, OSError) as error:
        raise PublishedDataUnreadable(f"{path}: {error}") from error


# --- metric descriptions ------------------------------------------------------

METRIC_HELP_FALLBACK = "No description of this metric in the snapshot: see docs/metrics.md."


def metric_help(metric: str) -> str:
    """The one description of a metric (`time_to_hire`, ...), as markdown.

    It is the metric's dbt docs block `metric_<metric>`, which the publish step
    copies into meta_metric_docs. Pages show it as help text and never write
    a definition of their own. A snapshot without the table (published before
    it existed) or without the metric gets a short fallback instead.
    """
    try:
        frame = query("select description from main.meta_metric_docs where metric = ?", (metric,))
    except PublishedDataUnreadable:
        return METRIC_HELP_FALLBACK
    if frame.empty or pd.isna(frame.iloc[0, 0]) or not str(frame.iloc[0, 0]).strip():
        return METRIC_HELP_FALLBACK
    return str(frame.iloc[0, 0])


# --- scope ------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a page is looking at: one department (or all), one ATS (or all), one quarter."""

    department: str
    quarter: date  # first day of the quarter
    source_system: str = ALL_SOURCES

    @property
    def previous_quarter(self) -> date:
        return shift_quarters(self.quarter, -1)

    @property
    def trend_start(self) -> date:
        return shift_quarters(self.quarter, 1 - TREND_QUARTERS)

    @property
    def quarter_end(self) -> date:
        """Exclusive: the first day after the selected quarter, where trends end too."""
        return shift_quarters(self.quarter, 1)

    @property
    def label(self) -> str:
        parts = [self.department]
        if self.source_system != ALL_SOURCES:
            parts.append(self.source_system.capitalize())
        return " · ".join([*parts, quarter_label(self.quarter)])


# --- snapshot metadata and filter options -------------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    as_of_date: date
    published_at: datetime | None


def snapshot_info() -> SnapshotInfo:
    frame = query(
        """
        select a.as_of_date, s.published_at
        from main.meta_as_of as a
        left join main.meta_snapshot as s on true
        """
    )
    if frame.empty:
        raise PublishedDataUnreadable("meta_as_of is empty")
    row = frame.iloc[0]
    published = None
    if not pd.isna(row["published_at"]):
        moment = pd.Timestamp(row["published_at"])
        if moment.tzinfo is not None:  # shown as UTC whichever way the column is typed
            moment = moment.tz_convert("UTC").tz_localize(None)
        published = moment.to_pydatetime()
    return SnapshotInfo(as_of_date=pd.Timestamp(row["as_of_date"]).date(), published_at=published)


def departments() -> list[str]:
    """'All departments' first, then every department that has applications or openings."""
    frame = query(
        """
        select department from main.fct_applications where department is not null
        union
        select department from main.fct_openings where department is not null
        order by department
        """
    )
    return [ALL_DEPARTMENTS, *frame["department"].tolist()]


def source_systems() -> list[str]:
    """'All ATSs' first, then every ATS that fed the snapshot."""
    frame = query(
        "select distinct source_system from main.fct_applications"
        " where source_system is not null order by source_system"
    )
    return [ALL_SOURCES, *frame["source_system"].tolist()]


def quarters(as_of: date) -> list[date]:
    """Quarters with any KPI row, newest first; the as-of quarter is always offered."""
    frame = query(
        """
        select period_start from main.kpi_time_to_hire where period_grain = 'quarter'
        union select period_start from main.kpi_time_to_fill where period_grain = 'quarter'
        union select period_start from main.kpi_offer_acceptance where period_grain = 'quarter'
        union select period_start from main.kpi_stage_pass_through where period_grain = 'quarter'
        """
    )
    found = {pd.Timestamp(value).date() for value in frame["period_start"]}
    return sorted(found | {quarter_start(as_of)}, reverse=True)


# --- KPI tiles --------------------------------------------------------------


@dataclass(frozen=True)
class QuarterOverQuarter:
    """A KPI value for the scope's quarter beside the same value a quarter earlier."""

    current: float | None
    previous: float | None
    n: int  # people or openings behind the current value

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def _quarter_over_quarter(sql: str, scope: Scope) -> QuarterOverQuarter:
    """`sql` selects period_start, value, n for a department, an ATS and two quarters."""
    frame = query(
        sql, (scope.department, scope.source_system, scope.quarter, scope.previous_quarter)
    )
    by_quarter = {pd.Timestamp(row.period_start).date(): row for row in frame.itertuples()}

    def value(quarter: date) -> float | None:
        row = by_quarter.get(quarter)
        return None if row is None or pd.isna(row.value) else float(row.value)

    current = by_quarter.get(scope.quarter)
    n = 0 if current is None or pd.isna(current.n) else int(current.n)
    return QuarterOverQuarter(value(scope.quarter), value(scope.previous_quarter), n)


def time_to_hire_quarter(scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        """
        select period_start, median_days as value, hires_n as n
        from main.kpi_time_to_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def time_to_fill_quarter(scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        """
        select period_start, median_days as value, openings_filled_n as n
        from main.kpi_time_to_fill
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def offer_acceptance_quarter(scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        """
        select period_start, acceptance_rate as value, offers_accepted + offers_declined as n
        from main.kpi_offer_acceptance
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


@dataclass(frozen=True)
class OpenOpenings:
    count: int
    median_age_days: float | None


def open_openings(scope: Scope) -> OpenOpenings:
    """Openings still open on the as-of date: a snapshot, so it ignores the quarter."""
    frame = query(
        """
        select open_openings_n, median_open_age_days
        from main.kpi_open_openings
        where department = ? and source_system = ?
        """,
        (scope.department, scope.source_system),
    )
    if frame.empty:
        return OpenOpenings(0, None)
    row = frame.iloc[0]
    age = row["median_open_age_days"]
    return OpenOpenings(int(row["open_openings_n"]), None if pd.isna(age) else float(age))


# --- trends and breakdowns --------------------------------------------------


def time_to_hire_by_month(scope: Scope) -> pd.DataFrame:
    return query(
        """
        select period_start as month, hires_n, median_days, p75_days
        from main.kpi_time_to_hire
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def time_to_fill_by_month(scope: Scope) -> pd.DataFrame:
    return query(
        """
        select period_start as month, openings_filled_n, median_days, p75_days
        from main.kpi_time_to_fill
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def offer_acceptance_by_month(scope: Scope) -> pd.DataFrame:
    return query(
        """
        select period_start as month, offers_accepted, offers_declined, acceptance_rate,
            offers_pending
        from main.kpi_offer_acceptance
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def stage_pass_through(scope: Scope) -> pd.DataFrame:
    """Pass-through by canonical stage for applications that entered it in the quarter."""
    return query(
        """
        select canonical_stage, canonical_stage_order, passed_n, rejected_n, in_progress_n,
            pass_through_rate
        from main.kpi_stage_pass_through
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start = ?
        order by canonical_stage_order
        """,
        (scope.department, scope.source_system, scope.quarter),
    )


def source_of_hire(scope: Scope) -> pd.DataFrame:
    return query(
        """
        select source_name, hires_n, share_of_hires
        from main.kpi_source_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start = ?
        order by hires_n desc, source_name
        """,
        (scope.department, scope.source_system, scope.quarter),
    )


# --- minimum group size -----------------------------------------------------


def suppress_small_groups(
    frame: pd.DataFrame,
    n_column: str,
    value_columns: list[str],
    min_size: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Blank the values of every row whose group has fewer than `min_size` people.

    The row stays, with `suppressed` set, so a page can say "fewer than 5"
    instead of silently dropping the group. Every page showing a demographic or
    survey cut goes through here, so none can forget the rule.
    """
    result = frame.copy()
    small = result[n_column] < min_size
    result[value_columns] = result[value_columns].astype("Float64").mask(small, pd.NA)
    result["suppressed"] = small
    return result


def fewer_than_label(min_size: int = MIN_GROUP_SIZE) -> str:
    return f"fewer than {min_size}"
