"""Every query the dashboards and the slide export run against the published snapshot.

Plain functions of a DuckDB connection and a `Scope`, with no Streamlit import:
the app calls them through the cached wrapper in `dashboards.data`, the CLI deck
export calls them with a connection of its own. Metrics are read as the marts
hold them, never recomputed here; SQL takes `?` parameters, never formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pandas as pd

from dashboards.periods import quarter_start, shift_quarters
from dashboards.scope import ALL_DEPARTMENTS, ALL_MANAGERS, ALL_SOURCES, Scope

Connection = duckdb.DuckDBPyConnection
QUALITY_QUARTERS = 6  # start cohorts shown: quality of hire needs time to become known


def _frame(con: Connection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


# --- snapshot metadata, descriptions and filter options ---------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    as_of_date: date
    published_at: datetime | None
    latest_event_date: date | None = None  # None: no dated event, or an older snapshot


def snapshot_info(con: Connection) -> SnapshotInfo | None:
    frame = _frame(
        con,
        """
        select a.as_of_date, a.latest_event_date, s.published_at
        from main.meta_as_of as a
        left join main.meta_snapshot as s on true
        """,
    )
    if frame.empty:
        return None
    row = frame.iloc[0]
    published = None
    if not pd.isna(row["published_at"]):
        moment = pd.Timestamp(row["published_at"])
        if moment.tzinfo is not None:  # shown as UTC whichever way the column is typed
            moment = moment.tz_convert("UTC").tz_localize(None)
        published = moment.to_pydatetime()
    latest = row["latest_event_date"]
    return SnapshotInfo(
        as_of_date=pd.Timestamp(row["as_of_date"]).date(),
        published_at=published,
        latest_event_date=None if pd.isna(latest) else pd.Timestamp(latest).date(),
    )


def metric_description(con: Connection, metric: str) -> str | None:
    """The metric's dbt docs block `metric_<metric>` as meta_metric_docs holds it."""
    frame = _frame(con, "select description from main.meta_metric_docs where metric = ?", [metric])
    if frame.empty or pd.isna(frame.iloc[0, 0]) or not str(frame.iloc[0, 0]).strip():
        return None
    return str(frame.iloc[0, 0])


def min_group_size(con: Connection) -> int | None:
    """The dbt var `min_group_size` the snapshot was built with.

    The snapshot states it only on fct_selection_rates (one value on every row);
    None when that table has no rows, and pages then say "fewer than the minimum".
    """
    frame = _frame(con, "select max(min_group_size) as n from main.fct_selection_rates")
    value = frame.iloc[0, 0] if not frame.empty else None
    return None if value is None or pd.isna(value) else int(value)


def departments(con: Connection) -> list[str]:
    """'All departments' first, then every department that has applications or openings."""
    frame = _frame(
        con,
        """
        select department from main.fct_applications where department is not null
        union
        select department from main.fct_openings where department is not null
        order by department
        """,
    )
    return [ALL_DEPARTMENTS, *frame["department"].tolist()]


def source_systems(con: Connection) -> list[str]:
    """'All ATSs' first, then every ATS that fed the snapshot."""
    frame = _frame(
        con,
        "select distinct source_system from main.fct_applications"
        " where source_system is not null order by source_system",
    )
    return [ALL_SOURCES, *frame["source_system"].tolist()]


def hiring_managers(con: Connection) -> list[str]:
    """'All hiring managers' first, then every hiring manager of a job, ids in name order."""
    frame = _frame(
        con,
        f"""
        with managers as (
            select hiring_manager_id from main.fct_applications where hiring_manager_id is not null
            union
            select hiring_manager_id from main.fct_manager_hiring_impact
        )
        select hiring_manager_id
        from managers
        order by {name_of("hiring_manager_id")}, hiring_manager_id
        """,
    )
    return [ALL_MANAGERS, *frame["hiring_manager_id"].tolist()]


def manager_names(con: Connection) -> dict[str, str]:
    """The name each hiring manager id is shown by (unique: dim_users)."""
    frame = _frame(con, "select user_id, display_name from main.dim_users where is_hiring_manager")
    return dict(zip(frame["user_id"], frame["display_name"], strict=True))


def name_of(user_id: str) -> str:
    """SQL for the name an ATS user (a hiring manager, an interviewer) is shown by.

    `user_id` is a column expression of the query (never input); a user the users
    export does not list is shown by id.
    """
    return (
        f"coalesce((select u.display_name from main.dim_users as u where u.user_id = {user_id}),"
        f" {user_id})"
    )


def quarters(con: Connection, as_of: date) -> list[date]:
    """Quarters with any KPI row, newest first; the as-of quarter is always offered."""
    frame = _frame(
        con,
        """
        select period_start from main.kpi_time_to_hire where period_grain = 'quarter'
        union select period_start from main.kpi_time_to_fill where period_grain = 'quarter'
        union select period_start from main.kpi_offer_acceptance where period_grain = 'quarter'
        union select period_start from main.kpi_stage_pass_through where period_grain = 'quarter'
        """,
    )
    found = {pd.Timestamp(value).date() for value in frame["period_start"]}
    return sorted(found | {quarter_start(as_of)}, reverse=True)


# --- quarter-over-quarter tiles ----------------------------------------------------------


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


def _quarter_over_quarter(con: Connection, sql: str, scope: Scope) -> QuarterOverQuarter:
    """`sql` selects period_start, value, n for a department, an ATS and two quarters."""
    frame = _frame(
        con, sql, (scope.department, scope.source_system, scope.quarter, scope.previous_quarter)
    )
    by_quarter = {pd.Timestamp(row.period_start).date(): row for row in frame.itertuples()}

    def value(quarter: date) -> float | None:
        row = by_quarter.get(quarter)
        return None if row is None or pd.isna(row.value) else float(row.value)

    current = by_quarter.get(scope.quarter)
    n = 0 if current is None or pd.isna(current.n) else int(current.n)
    return QuarterOverQuarter(value(scope.quarter), value(scope.previous_quarter), n)


def time_to_hire_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        con,
        """
        select period_start, median_days as value, hires_n as n
        from main.kpi_time_to_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def time_to_fill_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        con,
        """
        select period_start, median_days as value, openings_filled_n as n
        from main.kpi_time_to_fill
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def offer_acceptance_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        con,
        """
        select period_start, acceptance_rate as value, offers_accepted + offers_declined as n
        from main.kpi_offer_acceptance
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def quality_of_hire_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Mean quality of hire of the quarter's start cohort, n = hires scored."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, quality_of_hire_mean as value, scored_n as n
        from main.kpi_quality_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def license_coverage_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Share of the quarter's jobs whose hiring manager was licensed at open, n = jobs opened."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, license_coverage as value, jobs_opened as n
        from main.kpi_license_coverage
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


@dataclass(frozen=True)
class NpsQuarter:
    """Candidate NPS of a quarter and the one before; either may be suppressed (None)."""

    current: float | None
    previous: float | None
    responses_n: int
    suppressed: bool
    response_rate: float | None

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def nps_cut(scope: Scope) -> tuple[str, str]:
    """The kpi_candidate_nps cut answering a scope: NPS is cut by one dimension at a time."""
    if scope.has_manager:
        return "hiring_manager", scope.hiring_manager
    if scope.department != ALL_DEPARTMENTS:
        return "department", scope.department
    return "all", "All"


def candidate_nps_quarter(con: Connection, scope: Scope) -> NpsQuarter:
    cut_type, cut_value = nps_cut(scope)
    frame = _frame(
        con,
        """
        select period_start, nps, responses_n, is_suppressed, response_rate
        from main.kpi_candidate_nps
        where period_grain = 'quarter' and cut_type = ? and cut_value = ?
          and period_start in (?, ?)
        """,
        (cut_type, cut_value, scope.quarter, scope.previous_quarter),
    )
    rows = {pd.Timestamp(row.period_start).date(): row for row in frame.itertuples()}

    def value(quarter: date) -> float | None:
        row = rows.get(quarter)
        return None if row is None or pd.isna(row.nps) else float(row.nps)

    now = rows.get(scope.quarter)
    return NpsQuarter(
        current=value(scope.quarter),
        previous=value(scope.previous_quarter),
        responses_n=0 if now is None or pd.isna(now.responses_n) else int(now.responses_n),
        suppressed=bool(now is not None and now.is_suppressed),
        response_rate=None
        if now is None or pd.isna(now.response_rate)
        else float(now.response_rate),
    )


@dataclass(frozen=True)
class OpenOpenings:
    count: int
    median_age_days: float | None


def open_openings(con: Connection, scope: Scope) -> OpenOpenings:
    """Openings still open on the as-of date: a snapshot, so it ignores the quarter."""
    frame = _frame(
        con,
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


# --- trends and breakdowns ---------------------------------------------------------------


def time_to_hire_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    return _frame(
        con,
        """
        select period_start as month, hires_n, median_days, p75_days
        from main.kpi_time_to_hire
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def time_to_fill_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    return _frame(
        con,
        """
        select period_start as month, openings_filled_n, median_days, p75_days
        from main.kpi_time_to_fill
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def offer_acceptance_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    return _frame(
        con,
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


def stage_pass_through(con: Connection, scope: Scope) -> pd.DataFrame:
    """Pass-through by canonical stage for applications that entered it in the quarter."""
    return _frame(
        con,
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


def source_of_hire(con: Connection, scope: Scope) -> pd.DataFrame:
    return _frame(
        con,
        """
        select source_name, hires_n, share_of_hires
        from main.kpi_source_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start = ?
        order by hires_n desc, source_name
        """,
        (scope.department, scope.source_system, scope.quarter),
    )


# --- Funnel & speed ------------------------------------------------------------------------

# Filters on tables that carry department, ATS and hiring manager per row (the fct_ marts):
# "All ..." matches every row.
_ROW_FILTERS = """
    (? = 'All departments' or {alias}.department = ?)
    and (? = 'All ATSs' or {alias}.source_system = ?)
    and (? = 'All hiring managers' or {alias}.hiring_manager_id = ?)
"""


def _row_filter(alias: str) -> str:
    # Only the alias is formatted in, from this module's own constants; values stay parameters.
    return _ROW_FILTERS.format(alias=alias)


def _row_params(scope: Scope) -> list:
    return [
        scope.department,
        scope.department,
        scope.source_system,
        scope.source_system,
        scope.hiring_manager,
        scope.hiring_manager,
    ]


def stage_aging(con: Connection, scope: Scope) -> pd.DataFrame:
    """Stage stays open on the as-of date, counted by canonical stage and by how long they wait.

    The age is fct_application_stages.open_age_days as published; the bands only group it.
    """
    return _frame(
        con,
        f"""
        with open_stays as (
            select
                s.canonical_stage,
                s.canonical_stage_order,
                s.open_age_days
            from main.fct_application_stages as s
            inner join main.fct_applications as a on a.application_id = s.application_id
            where s.is_open and {_row_filter("a")}
        ),

        banded as (
            select
                canonical_stage,
                canonical_stage_order,
                case
                    when open_age_days <= 7 then 0
                    when open_age_days <= 14 then 1
                    when open_age_days <= 30 then 2
                    when open_age_days <= 60 then 3
                    else 4
                end as age_band_order
            from open_stays
        )

        select
            canonical_stage,
            canonical_stage_order,
            age_band_order,
            case age_band_order
                when 0 then '0–7 days'
                when 1 then '8–14 days'
                when 2 then '15–30 days'
                when 3 then '31–60 days'
                else 'over 60 days'
            end as age_band,
            count(*) as open_stays_n
        from banded
        group by all
        order by canonical_stage_order, age_band_order
        """,
        _row_params(scope),
    )


def _duration_by_department(con: Connection, scope: Scope, table: str, n_column: str):
    # `table` and `n_column` come from the two callers below, never from input.
    return _frame(
        con,
        f"""
        select department, {n_column}, median_days, p75_days
        from main.{table}
        where period_grain = 'quarter' and source_system = ? and period_start = ?
          and (? = 'All departments' or department in (?, 'All departments'))
        order by department = 'All departments' desc, median_days desc nulls last, department
        """,
        (scope.source_system, scope.quarter, scope.department, scope.department),
    )


def _duration_by_source(con: Connection, scope: Scope, measure: str) -> pd.DataFrame:
    """The quarter's median and p75 days per credited source, slowest first."""
    return _frame(
        con,
        """
        select source_name, events_n, median_days, p75_days
        from main.kpi_speed_by_source
        where period_grain = 'quarter' and measure = ? and department = ?
          and source_system = ? and period_start = ?
        order by median_days desc nulls last, source_name
        """,
        (measure, scope.department, scope.source_system, scope.quarter),
    )


def time_to_hire_by_source(con: Connection, scope: Scope) -> pd.DataFrame:
    return _duration_by_source(con, scope, "time_to_hire")


def time_to_fill_by_source(con: Connection, scope: Scope) -> pd.DataFrame:
    return _duration_by_source(con, scope, "time_to_fill")


def time_in_stage(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's completed stays per canonical stage: median and 75th percentile days."""
    return _frame(
        con,
        """
        select canonical_stage, canonical_stage_order, stays_n, median_days, p75_days
        from main.kpi_time_in_stage
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start = ?
        order by canonical_stage_order
        """,
        (scope.department, scope.source_system, scope.quarter),
    )


def time_to_hire_by_department(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's time to hire per department, the organization first."""
    return _duration_by_department(con, scope, "kpi_time_to_hire", "hires_n")


def time_to_fill_by_department(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's time to fill per department, the organization first."""
    return _duration_by_department(con, scope, "kpi_time_to_fill", "openings_filled_n")


def open_openings_by_age(con: Connection, scope: Scope) -> pd.DataFrame:
    """Openings open on the as-of date (evergreen and template jobs left out, as in the KPI)."""
    return _frame(
        con,
        f"""
        select
            o.opening_id, o.job_name, o.department, o.hiring_manager_id,
            {name_of("o.hiring_manager_id")} as hiring_manager, o.open_age_days
        from main.fct_openings as o
        where o.is_open and not o.is_evergreen and not o.is_template and {_row_filter("o")}
        order by o.open_age_days desc, o.job_name, o.opening_id
        """,
        _row_params(scope),
    )


def declined_offer_reasons(con: Connection, scope: Scope) -> pd.DataFrame:
    """Declined offers of applications that ended in the quarter, by recorded rejection reason.

    fct_applications holds no decline date per offer: the application's end date stands in.
    """
    return _frame(
        con,
        f"""
        select
            coalesce(a.rejection_reason, 'No reason recorded') as reason,
            count(*) as offers_declined
        from main.fct_applications as a
        where a.offer_status = 'declined'
          and a.ended_at >= ? and a.ended_at < ?
          and {_row_filter("a")}
        group by all
        order by offers_declined desc, reason
        """,
        [scope.quarter, scope.quarter_end, *_row_params(scope)],
    )


# --- Quality of hire -----------------------------------------------------------------------


def _quality_window(scope: Scope) -> tuple[date, date]:
    """Start cohorts shown: the selected quarter and the QUALITY_QUARTERS - 1 before it."""
    return shift_quarters(scope.quarter, 1 - QUALITY_QUARTERS), scope.quarter_end


def retention_1y_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """1-year retention of the quarter's start cohort: the retention component (100 = stayed)
    as a 0-1 share, n = hires whose year is over."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, retention_mean / 100.0 as value, retention_n as n
        from main.kpi_quality_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def retention_90d_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    return _quarter_over_quarter(
        con,
        """
        select period_start, retention_90d_rate as value, retention_90d_known_n as n
        from main.kpi_quality_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def quality_by_cohort(con: Connection, scope: Scope) -> pd.DataFrame:
    """kpi_quality_of_hire by start quarter, the selected one last."""
    start, end = _quality_window(scope)
    return _frame(
        con,
        """
        select
            period_start as quarter, hires_n, scored_n, censored_n,
            quality_of_hire_mean, performance_mean, performance_n,
            retention_mean, retention_n, manager_satisfaction_mean, manager_satisfaction_n,
            retention_mean / 100.0 as retention_365d_rate,
            retained_90d_n, retention_90d_known_n, retention_90d_rate
        from main.kpi_quality_of_hire
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by quarter
        """,
        (scope.department, scope.source_system, start, end),
    )


def quality_by_department(con: Connection, scope: Scope) -> pd.DataFrame:
    """The selected start quarter's quality of hire per department with a score, org first."""
    return _frame(
        con,
        """
        select
            department, hires_n, scored_n, censored_n, quality_of_hire_mean,
            performance_mean, retention_mean, manager_satisfaction_mean
        from main.kpi_quality_of_hire
        where period_grain = 'quarter' and source_system = ? and period_start = ?
          and scored_n > 0
          and (? = 'All departments' or department in (?, 'All departments'))
        order by department = 'All departments' desc, quality_of_hire_mean desc, department
        """,
        (scope.source_system, scope.quarter, scope.department, scope.department),
    )


def quality_distribution(con: Connection, scope: Scope) -> pd.DataFrame:
    """Each scored hire of the shown start cohorts (fct_hires as published)."""
    start, end = _quality_window(scope)
    return _frame(
        con,
        f"""
        select h.application_id, h.start_quarter, h.quality_of_hire
        from main.fct_hires as h
        where h.quality_status = 'scored'
          and h.start_quarter >= ? and h.start_quarter < ?
          and {_row_filter("h")}
        order by h.quality_of_hire, h.application_id
        """,
        [start, end, *_row_params(scope)],
    )


# --- Candidate experience ----------------------------------------------------------------

# The minimum group size the snapshot was built with, beside each survey row (see min_group_size).
_MIN_GROUP = "(select max(min_group_size) from main.fct_selection_rates)"


def candidate_nps_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    """Monthly NPS and response rate of the scope's cut (all, a department or a manager)."""
    cut_type, cut_value = nps_cut(scope)
    return _frame(
        con,
        f"""
        select
            period_start as month, responses_n, nps, response_rate, surveys_sent_n,
            is_suppressed, is_complementary_suppressed, {_MIN_GROUP} as min_group_size
        from main.kpi_candidate_nps
        where period_grain = 'month' and cut_type = ? and cut_value = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (cut_type, cut_value, scope.trend_start, scope.quarter_end),
    )


def _nps_by(con: Connection, scope: Scope, cut_type: str, only: str | None) -> pd.DataFrame:
    """The quarter's NPS for every value of one cut (suppressed cells stay, values null)."""
    return _frame(
        con,
        f"""
        select
            cut_value, responses_n, nps, promoters_n, passives_n, detractors_n, response_rate,
            is_suppressed, is_complementary_suppressed, {_MIN_GROUP} as min_group_size
        from main.kpi_candidate_nps
        where period_grain = 'quarter' and cut_type = ? and period_start = ?
          and (? is null or cut_value = ?)
        order by cut_value
        """,
        (cut_type, scope.quarter, only, only),
    )


def candidate_nps_by_outcome(con: Connection, scope: Scope) -> pd.DataFrame:
    return _nps_by(con, scope, "outcome", None)


def candidate_nps_by_stage(con: Connection, scope: Scope) -> pd.DataFrame:
    """By furthest canonical stage, in the canonical order the stage marts carry."""
    frame = _nps_by(con, scope, "furthest_stage", None)
    order = _frame(
        con,
        "select canonical_stage, min(canonical_stage_order) as stage_order"
        " from main.fct_application_stages group by canonical_stage",
    )
    rank = dict(zip(order["canonical_stage"], order["stage_order"], strict=True))
    ranked = frame.assign(stage_order=frame["cut_value"].map(rank))
    return ranked.sort_values(["stage_order", "cut_value"], na_position="last").reset_index(
        drop=True
    )


def candidate_nps_by_department(con: Connection, scope: Scope) -> pd.DataFrame:
    only = None if scope.department == ALL_DEPARTMENTS else scope.department
    return _nps_by(con, scope, "department", only)


def candidate_nps_by_manager(con: Connection, scope: Scope) -> pd.DataFrame:
    only = scope.hiring_manager if scope.has_manager else None
    frame = _nps_by(con, scope, "hiring_manager", only)
    if scope.source_system != ALL_SOURCES:  # manager ids carry their ATS as a prefix
        frame = frame[frame["cut_value"].str.startswith(f"{scope.source_system}:")]
    names = manager_names(con)
    frame = frame.assign(cut_value=[names.get(v, v) for v in frame["cut_value"]])
    return frame.sort_values("cut_value").reset_index(drop=True)


# --- Hiring managers -----------------------------------------------------------------------


def manager_impact(con: Connection, scope: Scope) -> pd.DataFrame:
    """fct_manager_hiring_impact for the quarter: one row per manager, each with the org's values.

    Manager ids carry their ATS as a prefix, which is how the ATS filter applies.
    """
    return _frame(
        con,
        f"""
        select i.*, {name_of("i.hiring_manager_id")} as hiring_manager,
            {_MIN_GROUP} as min_group_size
        from main.fct_manager_hiring_impact as i
        where i.quarter_start = ?
          and (? = 'All ATSs' or starts_with(i.hiring_manager_id, ? || ':'))
          and (? = 'All hiring managers' or i.hiring_manager_id = ?)
        order by i.hires_n desc, hiring_manager, i.hiring_manager_id
        """,
        (
            scope.quarter,
            scope.source_system,
            scope.source_system,
            scope.hiring_manager,
            scope.hiring_manager,
        ),
    )


def manager_trend(con: Connection, scope: Scope) -> pd.DataFrame:
    """Every quarter of the chosen manager up to the selected one, beside the org's values."""
    return _frame(
        con,
        f"""
        select *, {_MIN_GROUP} as min_group_size
        from main.fct_manager_hiring_impact
        where hiring_manager_id = ? and quarter_start < ?
        order by quarter_start
        """,
        (scope.hiring_manager, scope.quarter_end),
    )


def manager_jobs(con: Connection, scope: Scope) -> pd.DataFrame:
    """The chosen manager's openings with their job's practices, newest first."""
    return _frame(
        con,
        f"""
        select
            o.opening_id, o.job_name, o.department, o.source_system,
            cast(o.opened_at as date) as opened_date, o.is_open, o.open_age_days,
            cast(o.filled_at as date) as filled_date, o.time_to_fill_days,
            o.is_evergreen, o.is_template,
            j.licensed_at_open, j.is_intake_on_time, j.is_intake_pending, j.days_to_intake
        from main.fct_openings as o
        left join main.fct_jobs_practices as j on j.job_id = o.job_id
        where o.hiring_manager_id = ? and {_row_filter("o")}
        order by o.is_open desc, o.opened_at desc, o.opening_id
        """,
        [scope.hiring_manager, *_row_params(scope)],
    )


# --- Practices: License to Hire program --------------------------------------------------


def _kpi_by_month(con: Connection, scope: Scope, table: str, columns: str) -> pd.DataFrame:
    # `table` and `columns` come from the callers below, never from input.
    return _frame(
        con,
        f"""
        select period_start as month, {columns}
        from main.{table}
        where period_grain = 'month' and department = ? and source_system = ?
          and period_start >= ? and period_start < ?
        order by month
        """,
        (scope.department, scope.source_system, scope.trend_start, scope.quarter_end),
    )


def license_coverage_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    """Jobs opened each month and the share whose hiring manager was licensed at open."""
    return _kpi_by_month(
        con,
        scope,
        "kpi_license_coverage",
        "jobs_opened as n, jobs_licensed_at_open as yes_n, jobs_opened as decided_n,"
        " license_coverage as rate",
    )


def intake_timeliness_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    """Jobs opened each month and the share whose intake meeting was on time."""
    return _kpi_by_month(
        con,
        scope,
        "kpi_intake_timeliness",
        "jobs_opened as n, intakes_on_time as yes_n, jobs_opened - intakes_pending as decided_n,"
        " intake_on_time_rate as rate",
    )


def retrospectives_by_month(con: Connection, scope: Scope) -> pd.DataFrame:
    """Openings filled each month and the share with a retrospective within 30 days."""
    return _kpi_by_month(
        con,
        scope,
        "kpi_retrospectives",
        "openings_filled as n, retrospectives_done as yes_n,"
        " openings_filled - retrospectives_pending as decided_n, retrospective_rate as rate",
    )


def intake_on_time_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Share of the quarter's jobs whose intake was on time, n = jobs whose intake is decided."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, intake_on_time_rate as value, jobs_opened - intakes_pending as n
        from main.kpi_intake_timeliness
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def retrospectives_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Share of the quarter's filled openings with a retrospective, n = openings decided."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, retrospective_rate as value,
            openings_filled - retrospectives_pending as n
        from main.kpi_retrospectives
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


@dataclass(frozen=True)
class LicensedManagersNow:
    licensed: int
    with_open_job: int
    coverage: float | None


def licensed_managers_now(con: Connection, scope: Scope) -> LicensedManagersNow:
    """Hiring managers with an open job on the as-of date, and how many hold a valid license."""
    frame = _frame(
        con,
        """
        select hiring_managers_licensed, hiring_managers_with_open_job, license_coverage
        from main.kpi_license_coverage_now
        where department = ? and source_system = ?
        """,
        (scope.department, scope.source_system),
    )
    if frame.empty:
        return LicensedManagersNow(0, 0, None)
    row = frame.iloc[0]
    coverage = None if pd.isna(row["license_coverage"]) else float(row["license_coverage"])
    return LicensedManagersNow(
        int(row["hiring_managers_licensed"]), int(row["hiring_managers_with_open_job"]), coverage
    )


def unlicensed_roles(con: Connection, scope: Scope) -> pd.DataFrame:
    """Jobs open on the as-of date whose hiring manager was not licensed when they opened.

    Open = at least one opening still open (evergreen and template jobs left out, as in the
    open-openings KPI). Job names and open openings come from fct_openings; the license
    columns are fct_jobs_practices' (the completion used, to show why: none, or expired).
    """
    return _frame(
        con,
        f"""
        with open_jobs as (
            select job_id, min(job_name) as job_name, count(*) as open_openings_n
            from main.fct_openings
            where is_open and not is_evergreen and not is_template
            group by job_id
        )

        select
            j.job_id, o.job_name, j.department, j.source_system, j.hiring_manager_id,
            {name_of("j.hiring_manager_id")} as hiring_manager, j.opened_date,
            j.license_completed_at, j.license_expires_on, o.open_openings_n
        from main.fct_jobs_practices as j
        inner join open_jobs as o on o.job_id = j.job_id
        where not j.licensed_at_open and {_row_filter("j")}
        order by j.opened_date, o.job_name, j.job_id
        """,
        _row_params(scope),
    )


def program_effect(con: Connection, scope: Scope) -> pd.DataFrame:
    """fct_program_effect as published: one row per practice x outcome, in the mart's order."""
    return _frame(
        con,
        """
        select
            practice, outcome, effect_kind, n_with, n_without, value_with, value_without,
            effect, ci_low, ci_high, stratified_effect, strata_n, verdict, sentence
        from main.fct_program_effect
        """,
    )


# --- Practices: interviews -----------------------------------------------------------------


def scorecard_on_time_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Share of the quarter's decided scorecards submitted on time, n = scorecards decided."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, on_time_rate as value,
            scorecards_expected - scorecards_pending as n
        from main.kpi_scorecard_timeliness
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def talk_share_quarter(con: Connection, scope: Scope) -> QuarterOverQuarter:
    """Median hiring-manager talk share of the quarter, n = interviews with the manager."""
    return _quarter_over_quarter(
        con,
        """
        select period_start, median_hiring_manager_talk_share as value,
            interviews_with_hiring_manager as n
        from main.kpi_talk_share
        where period_grain = 'quarter' and department = ? and source_system = ?
          and period_start in (?, ?)
        """,
        scope,
    )


def scorecards_by_team(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's scorecard timeliness per interviewing team (the job's department)."""
    return _frame(
        con,
        """
        select department, scorecards_expected, scorecards_on_time, scorecards_submitted_late,
            scorecards_missing_and_late, scorecards_pending, on_time_rate
        from main.kpi_scorecard_timeliness
        where period_grain = 'quarter' and source_system = ? and period_start = ?
          and scorecards_expected > 0
          and (? = 'All departments' or department in (?, 'All departments'))
        order by department = 'All departments' desc, on_time_rate nulls last, department
        """,
        (scope.source_system, scope.quarter, scope.department, scope.department),
    )


def scorecards_by_manager(con: Connection, scope: Scope) -> pd.DataFrame:
    """Each hiring manager's own scorecards on time in the quarter (fct_manager_hiring_impact)."""
    return _frame(
        con,
        f"""
        select hiring_manager_id, {name_of("hiring_manager_id")} as hiring_manager,
            scorecard_on_time_rate, scorecards_on_time_n,
            scorecards_decided_n, org_scorecard_on_time_rate, org_scorecards_decided_n
        from main.fct_manager_hiring_impact
        where quarter_start = ? and scorecards_decided_n > 0
          and (? = 'All ATSs' or starts_with(hiring_manager_id, ? || ':'))
          and (? = 'All hiring managers' or hiring_manager_id = ?)
        order by scorecard_on_time_rate, hiring_manager_id
        """,
        (
            scope.quarter,
            scope.source_system,
            scope.source_system,
            scope.hiring_manager,
            scope.hiring_manager,
        ),
    )


def late_scorecards(con: Connection, scope: Scope) -> pd.DataFrame:
    """Scorecards missing past the SLA on the as-of date, oldest interview first.

    No application or candidate column: who owes the scorecard, for which job and when.
    """
    return _frame(
        con,
        f"""
        with jobs as (
            select job_id, min(job_name) as job_name from main.fct_openings group by job_id
        ),

        as_of as (select as_of_date from main.meta_as_of)

        select
            s.user_id as interviewer_id, {name_of("s.user_id")} as interviewer,
            s.is_hiring_manager,
            coalesce(j.job_name, s.job_id) as job_name, s.department, s.source_system,
            s.hiring_manager_id, {name_of("s.hiring_manager_id")} as hiring_manager,
            s.interview_end_date,
            date_diff('day', s.interview_end_date, as_of.as_of_date) as days_since_interview
        from main.fct_scorecards as s
        cross join as_of
        left join jobs as j on j.job_id = s.job_id
        where s.is_missing_and_late and {_row_filter("s")}
        order by s.interview_end_date, s.user_id, job_name
        """,
        _row_params(scope),
    )


def talk_share_distribution(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's interviews with a hiring manager's talk share (note-taker data)."""
    return _frame(
        con,
        f"""
        select i.interview_id, i.hiring_manager_talk_share, i.is_talk_share_flagged
        from main.fct_interviews as i
        where i.has_talk_data and i.hiring_manager_talk_share is not null
          and i.starts_at >= ? and i.starts_at < ?
          and {_row_filter("i")}
        order by i.hiring_manager_talk_share, i.interview_id
        """,
        [scope.quarter, scope.quarter_end, *_row_params(scope)],
    )


def reschedules_by_ats(con: Connection, scope: Scope) -> pd.DataFrame:
    """The quarter's reschedule rate per ATS; rows whose ATS does not record them stay."""
    return _frame(
        con,
        """
        select source_system, interviews_scheduled, reschedules_recorded,
            interviews_rescheduled, reschedule_rate
        from main.kpi_reschedules
        where period_grain = 'quarter' and department = ? and period_start = ?
          and source_system <> 'All ATSs'
          and (? = 'All ATSs' or source_system = ?)
        order by source_system
        """,
        (scope.department, scope.quarter, scope.source_system, scope.source_system),
    )


# --- Fairness ------------------------------------------------------------------------------
# fct_selection_rates: every application up to the as-of date, for the whole organization,
# one row per stage transition x dimension x self-identified group (docs/statistics.md).

# Dimensions as the mart names them, in the order the page offers them.
FAIRNESS_DIMENSIONS = ("gender", "race_ethnicity", "veteran", "disability", "gender_x_race")


def _selection_rates(con: Connection, dimension: str) -> pd.DataFrame:
    """The dimension's rows as published (suppressed values stay null), stages in order."""
    return _frame(
        con,
        """
        with stage_order as (
            select canonical_stage, min(canonical_stage_order) as stage_order
            from main.fct_application_stages
            group by canonical_stage
        )

        select
            r.transition,
            coalesce(o.stage_order, 99) as transition_order,
            r.group_name,
            r.passed_n, r.rejected_n, r.applicants_n, r.selection_rate,
            r.highest_group, h.selection_rate as highest_rate,
            r.impact_ratio, r.is_flagged, r.fisher_p_value, r.shortfall,
            r.is_suppressed, r.suppression_reason, r.min_group_size
        from main.fct_selection_rates as r
        left join stage_order as o on o.canonical_stage = r.transition
        left join main.fct_selection_rates as h
            on h.transition = r.transition and h.dimension = r.dimension
                and h.group_name = r.highest_group
        where r.dimension = ?
        order by transition_order, r.group_name = 'Not disclosed', r.group_name
        """,
        [dimension],
    )


# One named function per dimension: a chart's query takes (connection, scope) only, and the
# cache is keyed on the function's name.
def selection_rates_gender(con: Connection, scope: Scope) -> pd.DataFrame:
    return _selection_rates(con, "gender")


def selection_rates_race_ethnicity(con: Connection, scope: Scope) -> pd.DataFrame:
    return _selection_rates(con, "race_ethnicity")


def selection_rates_veteran(con: Connection, scope: Scope) -> pd.DataFrame:
    return _selection_rates(con, "veteran")


def selection_rates_disability(con: Connection, scope: Scope) -> pd.DataFrame:
    return _selection_rates(con, "disability")


def selection_rates_gender_x_race(con: Connection, scope: Scope) -> pd.DataFrame:
    return _selection_rates(con, "gender_x_race")


def fairness_dimensions(con: Connection) -> list[str]:
    """The dimensions the snapshot holds, in FAIRNESS_DIMENSIONS order."""
    found = set(_frame(con, "select distinct dimension from main.fct_selection_rates")["dimension"])
    return [d for d in FAIRNESS_DIMENSIONS if d in found]


@dataclass(frozen=True)
class FairnessSummary:
    """What the Fairness page's tiles count for one dimension (whole history, whole company)."""

    flagged_overall: int  # groups under four-fifths from application to hire
    groups_overall: int  # groups compared there (Not disclosed is not compared)
    flagged_cells: int  # transition x group cells flagged, suppressed ones included
    significant_cells: int  # of those, Fisher p < 0.05
    not_disclosed_overall: int | None  # applicants who did not self-identify (None: hidden)
    applicants_overall: int | None  # every decided application (None: a group is hidden)
    suppressed_cells: int


def fairness_summary(con: Connection, dimension: str) -> FairnessSummary:
    row = _frame(
        con,
        """
        select
            count(*) filter (where transition = 'overall' and is_flagged) as flagged_overall,
            count(*) filter (where transition = 'overall' and is_flagged is not null)
                as groups_overall,
            count(*) filter (where is_flagged) as flagged_cells,
            count(*) filter (where is_flagged and fisher_p_value < 0.05) as significant_cells,
            max(applicants_n) filter (
                where transition = 'overall' and group_name = 'Not disclosed'
            ) as not_disclosed_overall,
            case
                when bool_or(is_suppressed) filter (where transition = 'overall') then null
                else sum(applicants_n) filter (where transition = 'overall')
            end as applicants_overall,
            count(*) filter (where is_suppressed) as suppressed_cells
        from main.fct_selection_rates
        where dimension = ?
        """,
        [dimension],
    ).iloc[0]

    def whole(value: object) -> int | None:
        return None if pd.isna(value) else int(value)

    return FairnessSummary(
        flagged_overall=int(row["flagged_overall"]),
        groups_overall=int(row["groups_overall"]),
        flagged_cells=int(row["flagged_cells"]),
        significant_cells=int(row["significant_cells"]),
        not_disclosed_overall=whole(row["not_disclosed_overall"]),
        applicants_overall=whole(row["applicants_overall"]),
        suppressed_cells=int(row["suppressed_cells"]),
    )


# --- Data health ---------------------------------------------------------------------------
# The meta_* tables publish writes (orchestration/publish.py): the snapshot itself, so no
# filter narrows them.


def refresh_history(con: Connection, scope: Scope) -> pd.DataFrame:
    return _frame(
        con,
        """
        select load_id, refreshed_at, outcome, failed_step, as_of_date, files_loaded,
            rows_loaded, rows_quarantined
        from main.meta_refresh_history
        order by refreshed_at, load_id
        """,
    )


def loaded_files(con: Connection, scope: Scope) -> pd.DataFrame:
    """Every file the snapshot's raw rows come from, with its load's counts."""
    return _frame(
        con,
        """
        select source_system, entity, file, kind, loaded_at, loaded_this_refresh, rows_loaded,
            rows_quarantined, fields_nulled, rows_flagged, duplicates
        from main.meta_loaded_files
        order by source_system, file
        """,
    )


def quarantine_by_reason(con: Connection, scope: Scope) -> pd.DataFrame:
    """Quarantined rows by file, field and reason code: counts only, never a value."""
    return _frame(
        con,
        """
        select source_system, entity, file, coalesce(field, '(whole record)') as field,
            reason_code, action, rows, last_seen_at
        from main.meta_quarantine_summary
        order by rows desc, file, field, reason_code
        """,
    )


def check_results(con: Connection, scope: Scope) -> pd.DataFrame:
    """The refresh's dbt tests and file validations, with what each requires (`meaning`;
    null in a snapshot published before it was kept); failures and warnings first."""
    frame = _frame(
        con,
        """
        select *
        from main.meta_check_results
        order by
            case status when 'fail' then 0 when 'error' then 0 when 'warn' then 1 else 2 end,
            check_type, check_name, target
        """,
    )
    if "meaning" not in frame.columns:
        frame["meaning"] = None
    return frame[["check_type", "check_name", "target", "status", "failing_rows", "meaning"]]


@dataclass(frozen=True)
class HealthSummary:
    """The Data health page's tiles: the latest refresh, the files and the checks."""

    load_id: str | None
    files: int
    files_this_refresh: int
    sources: list[str]  # source systems that fed the snapshot, in name order
    rows_quarantined: int  # records of the snapshot's files not loaded (as their loads counted)
    checks: int
    checks_warned: int
    checks_failed: int
    refreshes_failed: int


def health_summary(con: Connection) -> HealthSummary:
    files = _frame(
        con,
        "select source_system, loaded_this_refresh, rows_quarantined from main.meta_loaded_files",
    )
    checks = _frame(con, "select status from main.meta_check_results")["status"]
    scalars = _frame(
        con,
        """
        select
            (select max(load_id) from main.meta_snapshot) as load_id,
            (select count(*) from main.meta_refresh_history where outcome = 'failed')
                as refreshes_failed
        """,
    ).iloc[0]
    return HealthSummary(
        load_id=None if pd.isna(scalars["load_id"]) else str(scalars["load_id"]),
        files=len(files),
        files_this_refresh=int(files["loaded_this_refresh"].astype(bool).sum()),
        sources=sorted(files["source_system"].dropna().unique().tolist()),
        rows_quarantined=int(files["rows_quarantined"].sum()),
        checks=len(checks),
        checks_warned=int((checks == "warn").sum()),
        checks_failed=int(checks.isin(["fail", "error"]).sum()),
        refreshes_failed=int(scalars["refreshes_failed"]),
    )
