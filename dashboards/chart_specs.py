"""Every chart, described once: the page, the PNG / SVG download and the deck render from here.

A `ChartSpec` names the query that answers it (`dashboards.queries`), the figure
builder that draws it (`dashboards.charts`), its title, the takeaway rule
(`dashboards.takeaways`), why it can be empty, the metric whose description
explains it, and which filters its tables are cut by. Nothing here imports
Streamlit: `dashboards.components` renders a spec in the app, an exporter can
render the same spec with a connection of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import duckdb
import pandas as pd
import plotly.graph_objects as go

from dashboards import charts, formats, queries, takeaways
from dashboards.periods import quarter_label, shift_quarters
from dashboards.scope import ALL_SOURCES, ATS, DEPARTMENT, MANAGER, QUARTER, Scope

KPI_CUTS = frozenset({QUARTER, DEPARTMENT, ATS})  # what the kpi_* tables are cut by
FILTER_NAMES = {
    QUARTER: "quarter",
    DEPARTMENT: "department",
    ATS: "ATS",
    MANAGER: "hiring manager",
}

MANAGER_POINTER = " The Hiring managers pages show each manager's numbers."


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str  # the figure's title, as its builder writes it (a test holds them equal)
    query: Callable[[duckdb.DuckDBPyConnection, Scope], pd.DataFrame]
    figure: Callable[[pd.DataFrame, str], go.Figure]
    subtitle: Callable[[Scope], str]
    empty_reason: Callable[[Scope], str]  # completes "**Title**: ..." when the frame is empty
    takeaway: Callable[[pd.DataFrame, Scope], str | None]
    metric: str | None = None  # slug in meta_metric_docs: help text and slide notes
    cuts: frozenset[str] = field(default=KPI_CUTS)
    # Describes the snapshot itself (its loads and checks), not people: no filter narrows
    # it, so none hides it either; the page says the filters do not apply.
    snapshot_wide: bool = False

    def unsupported(self, scope: Scope) -> frozenset[str]:
        """Filters the scope narrows that this chart's tables are not cut by.

        A chart without QUARTER in its cuts shows the as-of date and ignores the quarter.
        """
        if self.snapshot_wide:
            return frozenset()
        return scope.active_filters - self.cuts - {QUARTER}

    def unsupported_reason(self, scope: Scope) -> str:
        order = [DEPARTMENT, ATS, MANAGER]
        missing = " or ".join(FILTER_NAMES[f] for f in order if f in self.unsupported(scope))
        held = " and ".join(FILTER_NAMES[f] for f in order if f in self.cuts)
        pointer = MANAGER_POINTER if MANAGER in self.unsupported(scope) else ""
        if held:
            kept = f"by {held} only"
        else:  # cut by nothing but the quarter, or not even that (the whole organization)
            kept = "by quarter only" if QUARTER in self.cuts else "for the whole organization only"
        return f"not available for one {missing}: the snapshot holds it {kept}.{pointer}"

    def build(self, connection: duckdb.DuckDBPyConnection, scope: Scope) -> go.Figure | None:
        """The figure without Streamlit (exports); None when there is nothing to plot."""
        if self.unsupported(scope):
            return None
        frame = self.query(connection, scope)
        return None if frame.empty else self.figure(frame, self.subtitle(scope))


REGISTRY: dict[str, ChartSpec] = {}


def register(spec: ChartSpec) -> ChartSpec:
    if spec.id in REGISTRY:
        raise ValueError(f"chart {spec.id!r} is described twice")
    REGISTRY[spec.id] = spec
    return spec


def _trend(scope: Scope) -> str:
    return scope.trend_label


def _quarter(scope: Scope) -> str:
    return scope.label


# --- Hiring: speed and funnel -------------------------------------------------------------

TIME_TO_HIRE_TREND = register(
    ChartSpec(
        id="time_to_hire_trend",
        title="Time to hire by month",
        query=queries.time_to_hire_by_month,
        figure=charts.time_to_hire_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no offers were accepted {s.where} {s.between}.",
        takeaway=takeaways.time_to_hire_trend,
        metric="time_to_hire",
    )
)

TIME_TO_FILL_TREND = register(
    ChartSpec(
        id="time_to_fill_trend",
        title="Time to fill by month",
        query=queries.time_to_fill_by_month,
        figure=charts.time_to_fill_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no openings were filled {s.where} {s.between}.",
        takeaway=takeaways.time_to_fill_trend,
        metric="time_to_fill",
    )
)

OFFER_ACCEPTANCE_TREND = register(
    ChartSpec(
        id="offer_acceptance_trend",
        title="Offer acceptance by month",
        query=queries.offer_acceptance_by_month,
        figure=charts.offer_acceptance_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no offers were accepted or declined {s.where} {s.between}.",
        takeaway=takeaways.offer_acceptance_trend,
        metric="offer_acceptance_rate",
    )
)

SOURCE_OF_HIRE = register(
    ChartSpec(
        id="source_of_hire",
        title="Source of hire",
        query=queries.source_of_hire,
        figure=charts.source_of_hire,
        subtitle=_quarter,
        empty_reason=lambda s: f"no hires {s.where} in {s.quarter_name}.",
        takeaway=takeaways.source_of_hire,
        metric="source_of_hire",
    )
)

STAGE_FUNNEL = register(
    ChartSpec(
        id="stage_funnel",
        title="Stage pass-through",
        query=queries.stage_pass_through,
        figure=charts.stage_funnel,
        subtitle=lambda s: f"{s.label} · applications by the quarter they entered each stage",
        empty_reason=lambda s: f"no applications entered a stage {s.where} in {s.quarter_name}.",
        takeaway=takeaways.stage_funnel,
        metric="pass_through_rate",
    )
)


AS_OF_CUTS = frozenset({DEPARTMENT, ATS, MANAGER})  # fct_ marts, as of the snapshot's date
ROW_CUTS = frozenset({QUARTER, DEPARTMENT, ATS, MANAGER})  # fct_ marts, by an event date


def _as_of(scope: Scope) -> str:
    as_of = f" · on {scope.as_of:%-d %b %Y}, the as-of date" if scope.as_of else " · as-of date"
    return scope.label.rsplit(" · ", 1)[0] + as_of


STAGE_AGING = register(
    ChartSpec(
        id="stage_aging",
        title="Stage aging of open applications",
        query=queries.stage_aging,
        figure=charts.stage_aging,
        subtitle=_as_of,
        empty_reason=lambda s: f"no application is waiting in a stage {s.where} on the as-of date.",
        takeaway=takeaways.stage_aging,
        metric="time_in_stage",
        cuts=AS_OF_CUTS,
    )
)

TIME_IN_STAGE = register(
    ChartSpec(
        id="time_in_stage",
        title="Time in stage",
        query=queries.time_in_stage,
        figure=charts.time_in_stage,
        subtitle=_quarter,
        empty_reason=lambda s: f"no application left a stage {s.where} in {s.quarter_name}.",
        takeaway=takeaways.time_in_stage,
        metric="time_in_stage",
    )
)

TIME_TO_HIRE_BY_DEPARTMENT = register(
    ChartSpec(
        id="time_to_hire_by_department",
        title="Time to hire by department",
        query=queries.time_to_hire_by_department,
        figure=charts.time_to_hire_by_department,
        subtitle=_quarter,
        empty_reason=lambda s: f"no offers were accepted {s.where} in {s.quarter_name}.",
        takeaway=takeaways.time_to_hire_by_department,
        metric="time_to_hire",
    )
)

TIME_TO_FILL_BY_DEPARTMENT = register(
    ChartSpec(
        id="time_to_fill_by_department",
        title="Time to fill by department",
        query=queries.time_to_fill_by_department,
        figure=charts.time_to_fill_by_department,
        subtitle=_quarter,
        empty_reason=lambda s: f"no openings were filled {s.where} in {s.quarter_name}.",
        takeaway=takeaways.time_to_fill_by_department,
        metric="time_to_fill",
    )
)

TIME_TO_HIRE_BY_SOURCE = register(
    ChartSpec(
        id="time_to_hire_by_source",
        title="Time to hire by source",
        query=queries.time_to_hire_by_source,
        figure=charts.time_to_hire_by_source,
        subtitle=lambda s: f"{s.label} · by the source credited with the hire",
        empty_reason=lambda s: f"no offers were accepted {s.where} in {s.quarter_name}.",
        takeaway=takeaways.time_to_hire_by_source,
        metric="time_to_hire",
    )
)

TIME_TO_FILL_BY_SOURCE = register(
    ChartSpec(
        id="time_to_fill_by_source",
        title="Time to fill by source",
        query=queries.time_to_fill_by_source,
        figure=charts.time_to_fill_by_source,
        subtitle=lambda s: f"{s.label} · by the source of the hire that filled the opening",
        empty_reason=lambda s: f"no openings were filled {s.where} in {s.quarter_name}.",
        takeaway=takeaways.time_to_fill_by_source,
        metric="time_to_fill",
    )
)

OPEN_OPENINGS_BY_AGE = register(
    ChartSpec(
        id="open_openings_by_age",
        title="Open openings by age",
        query=queries.open_openings_by_age,
        figure=charts.open_openings_by_age,
        subtitle=_as_of,
        empty_reason=lambda s: f"no opening is open {s.where} on the as-of date.",
        takeaway=takeaways.open_openings_by_age,
        metric="open_opening_age",
        cuts=AS_OF_CUTS,
    )
)

DECLINED_OFFER_REASONS = register(
    ChartSpec(
        id="declined_offer_reasons",
        title="Why offers were declined",
        query=queries.declined_offer_reasons,
        figure=charts.declined_offer_reasons,
        subtitle=lambda s: f"{s.label} · declined offers by the date the application ended",
        empty_reason=lambda s: (
            f"no application with a declined offer ended {s.where} in {s.quarter_name}."
        ),
        takeaway=takeaways.declined_offer_reasons,
        metric="offer_acceptance_rate",
        cuts=ROW_CUTS,
    )
)


# --- Quality: quality of hire ----------------------------------------------------------------


def _cohorts(scope: Scope) -> str:
    start = shift_quarters(scope.quarter, 1 - queries.QUALITY_QUARTERS)
    parts = scope.label.rsplit(" · ", 1)[0]
    return f"{parts} · hires who started {quarter_label(start)} – {scope.quarter_name}"


QUALITY_BY_COHORT = register(
    ChartSpec(
        id="quality_by_cohort",
        title="Quality of hire by start quarter",
        query=queries.quality_by_cohort,
        figure=charts.quality_by_cohort,
        subtitle=_cohorts,
        empty_reason=lambda s: f"no hire started {s.where} in the quarters shown.",
        takeaway=takeaways.quality_by_cohort,
        metric="quality_of_hire",
    )
)

QUALITY_BY_DEPARTMENT = register(
    ChartSpec(
        id="quality_by_department",
        title="Quality of hire by department",
        query=queries.quality_by_department,
        figure=charts.quality_by_department,
        subtitle=lambda s: f"{s.label} · hires who started in the quarter",
        empty_reason=lambda s: (
            f"no hire who started {s.where} in {s.quarter_name} has a score yet"
            " (a young cohort is censored, not low: see the chart of censored hires)."
        ),
        takeaway=takeaways.quality_by_department,
        metric="quality_of_hire",
    )
)

RETENTION_BY_COHORT = register(
    ChartSpec(
        id="retention_by_cohort",
        title="Retention by start quarter",
        query=queries.quality_by_cohort,
        figure=charts.retention_by_cohort,
        subtitle=_cohorts,
        empty_reason=lambda s: f"no hire started {s.where} in the quarters shown.",
        takeaway=takeaways.retention_by_cohort,
        metric="quality_of_hire",
    )
)

CENSORED_BY_COHORT = register(
    ChartSpec(
        id="censored_by_cohort",
        title="Scored and censored hires by start quarter",
        query=queries.quality_by_cohort,
        figure=charts.censored_by_cohort,
        subtitle=_cohorts,
        empty_reason=lambda s: f"no hire started {s.where} in the quarters shown.",
        takeaway=takeaways.censored_by_cohort,
        metric="quality_of_hire",
    )
)

QUALITY_DISTRIBUTION = register(
    ChartSpec(
        id="quality_distribution",
        title="Distribution of quality of hire",
        query=queries.quality_distribution,
        figure=charts.quality_distribution,
        subtitle=_cohorts,
        empty_reason=lambda s: f"no hire who started {s.where} in the quarters shown has a score.",
        takeaway=takeaways.quality_distribution,
        metric="quality_of_hire",
        cuts=ROW_CUTS,
    )
)


# --- Quality: candidate experience -------------------------------------------------------------
# kpi_candidate_nps is cut by one dimension at a time (outcome, stage, department or hiring
# manager) and not by ATS, under the minimum group size in the table itself.


def _nps_scope(scope: Scope) -> str:
    cut = queries.nps_cut(scope)[1]
    return "All candidates" if cut == "All" else cut


NPS_TREND = register(
    ChartSpec(
        id="candidate_nps_trend",
        title="Candidate NPS by month",
        query=queries.candidate_nps_by_month,
        figure=charts.candidate_nps_trend,
        subtitle=lambda s: f"{_nps_scope(s)} · {s.trend_span}",
        empty_reason=lambda s: f"no candidate survey was answered {s.where} {s.between}.",
        takeaway=takeaways.candidate_nps_trend,
        metric="candidate_nps",
        cuts=frozenset({QUARTER, DEPARTMENT, MANAGER}),
    )
)

NPS_BY_OUTCOME = register(
    ChartSpec(
        id="candidate_nps_by_outcome",
        title="Candidate NPS by outcome",
        query=queries.candidate_nps_by_outcome,
        figure=charts.candidate_nps_by_outcome,
        subtitle=lambda s: f"All candidates · {s.quarter_name} · hired, rejected or withdrew",
        empty_reason=lambda s: f"no candidate survey was answered in {s.quarter_name}.",
        takeaway=takeaways.candidate_nps_by_group,
        metric="candidate_nps",
        cuts=frozenset({QUARTER}),
    )
)

NPS_BY_STAGE = register(
    ChartSpec(
        id="candidate_nps_by_stage",
        title="Candidate NPS by stage reached",
        query=queries.candidate_nps_by_stage,
        figure=charts.candidate_nps_by_stage,
        subtitle=lambda s: f"All candidates · {s.quarter_name} · by the furthest stage reached",
        empty_reason=lambda s: f"no candidate survey was answered in {s.quarter_name}.",
        takeaway=takeaways.candidate_nps_by_group,
        metric="candidate_nps",
        cuts=frozenset({QUARTER}),
    )
)

NPS_BY_DEPARTMENT = register(
    ChartSpec(
        id="candidate_nps_by_department",
        title="Candidate NPS by department",
        query=queries.candidate_nps_by_department,
        figure=charts.candidate_nps_by_department,
        subtitle=lambda s: f"{s.department} · {s.quarter_name}",
        empty_reason=lambda s: f"no candidate survey was answered {s.where} in {s.quarter_name}.",
        takeaway=takeaways.candidate_nps_by_group,
        metric="candidate_nps",
        cuts=frozenset({QUARTER, DEPARTMENT}),
    )
)

NPS_BY_MANAGER = register(
    ChartSpec(
        id="candidate_nps_by_manager",
        title="Candidate NPS by hiring manager",
        query=queries.candidate_nps_by_manager,
        figure=charts.candidate_nps_by_manager,
        subtitle=lambda s: " · ".join(
            [s.manager, *([s.source_system] if s.source_system != ALL_SOURCES else [])]
            + [s.quarter_name]
        ),
        empty_reason=lambda s: (
            f"no candidate survey of these hiring managers was answered in {s.quarter_name}."
        ),
        takeaway=takeaways.candidate_nps_by_group,
        metric="candidate_nps",
        cuts=frozenset({QUARTER, ATS, MANAGER}),
    )
)


# --- Practices: hiring managers -----------------------------------------------------------------
# fct_manager_hiring_impact has one row per manager and quarter, across departments; manager
# ids carry their ATS as a prefix.

MANAGER_CUTS = frozenset({QUARTER, ATS, MANAGER})

MANAGER_IMPACT = register(
    ChartSpec(
        id="manager_impact",
        title="Manager hiring impact",
        query=queries.manager_impact,
        figure=charts.manager_impact_table,
        subtitle=lambda s: (
            f"{s.label} · each component in the quarter of its own event; green: better than"
            " the organization, red: worse"
        ),
        empty_reason=lambda s: (
            f"no hiring manager had a hire or a practice event in {s.quarter_name}."
        ),
        takeaway=takeaways.manager_impact,
        metric="manager_hiring_impact",
        cuts=MANAGER_CUTS,
    )
)

MANAGER_TREND = register(
    ChartSpec(
        id="manager_trend",
        title="Hiring manager by quarter",
        query=queries.manager_trend,
        figure=charts.manager_trend,
        subtitle=lambda s: f"{s.manager} · every quarter up to {s.quarter_name}",
        empty_reason=lambda s: (
            f"{s.manager} has no quarter in the impact table up to {s.quarter_name}."
        ),
        takeaway=takeaways.manager_trend,
        metric="manager_hiring_impact",
        cuts=MANAGER_CUTS,
    )
)

MANAGER_JOBS = register(
    ChartSpec(
        id="manager_jobs",
        title="Their openings",
        query=queries.manager_jobs,
        figure=charts.manager_jobs,
        subtitle=lambda s: f"{s.manager} · {s.department} · as of the snapshot",
        empty_reason=lambda s: f"{s.manager} has no opening {s.where}.",
        takeaway=takeaways.manager_jobs,
        metric="open_opening_age",
        cuts=AS_OF_CUTS,
    )
)


# --- Practices: License to Hire program -----------------------------------------------------------

LICENSE_COVERAGE_TREND = register(
    ChartSpec(
        id="license_coverage_trend",
        title="License to Hire coverage by month",
        query=queries.license_coverage_by_month,
        figure=charts.license_coverage_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no job was opened {s.where} {s.between}.",
        takeaway=takeaways.license_coverage_trend,
        metric="licensed_at_open",
    )
)

UNLICENSED_ROLES = register(
    ChartSpec(
        id="unlicensed_roles",
        title="Open roles whose manager was not licensed at open",
        query=queries.unlicensed_roles,
        figure=charts.unlicensed_roles,
        subtitle=lambda s: f"{_as_of(s)} · the license status is the one on the opening date",
        empty_reason=lambda s: (
            f"every role open {s.where} on the as-of date had a licensed hiring manager"
            " when it opened."
        ),
        takeaway=takeaways.unlicensed_roles,
        metric="licensed_at_open",
        cuts=AS_OF_CUTS,
    )
)

INTAKE_TIMELINESS_TREND = register(
    ChartSpec(
        id="intake_timeliness_trend",
        title="Intake meetings on time by month",
        query=queries.intake_timeliness_by_month,
        figure=charts.intake_timeliness_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no job was opened {s.where} {s.between}.",
        takeaway=takeaways.intake_timeliness_trend,
        metric="intake_on_time",
    )
)

RETROSPECTIVES_TREND = register(
    ChartSpec(
        id="retrospectives_trend",
        title="Hiring retrospectives by month",
        query=queries.retrospectives_by_month,
        figure=charts.retrospectives_trend,
        subtitle=_trend,
        empty_reason=lambda s: f"no opening was filled {s.where} {s.between}.",
        takeaway=takeaways.retrospectives_trend,
        metric="retrospective_done",
    )
)


def _program_effect_scope(scope: Scope) -> str:
    as_of = f" up to {scope.as_of:%-d %b %Y}" if scope.as_of else ""
    return (
        f"Whole organization · every filled opening{as_of} · an observational comparison,"
        " not proof of cause"
    )


PROGRAM_EFFECT = register(
    ChartSpec(
        id="program_effect",
        title="Do the practices pay off here?",
        query=queries.program_effect,
        figure=charts.program_effect,
        subtitle=_program_effect_scope,
        empty_reason=lambda s: "the snapshot holds no comparison yet (no filled opening).",
        takeaway=takeaways.program_effect,
        metric="program_effect",
        cuts=frozenset(),  # one comparison over every filled opening: no filter cuts it
    )
)


# --- Practices: interviews ------------------------------------------------------------------------

SCORECARDS_BY_TEAM = register(
    ChartSpec(
        id="scorecards_by_team",
        title="Scorecards on time by interviewing team",
        query=queries.scorecards_by_team,
        figure=charts.scorecards_by_team,
        subtitle=lambda s: f"{s.label} · by the job's department · (n) scorecards decided",
        empty_reason=lambda s: f"no interview ended {s.where} in {s.quarter_name}.",
        takeaway=takeaways.scorecards_by_team,
        metric="scorecard_on_time",
    )
)

SCORECARDS_BY_MANAGER = register(
    ChartSpec(
        id="scorecards_by_manager",
        title="Hiring managers' own scorecards on time",
        query=queries.scorecards_by_manager,
        figure=charts.scorecards_by_manager,
        subtitle=lambda s: f"{s.label} · on their own jobs · (n) decided",
        empty_reason=lambda s: (
            f"no hiring manager owed a scorecard on their own jobs in {s.quarter_name}."
        ),
        takeaway=takeaways.scorecards_by_manager,
        metric="scorecard_on_time",
        cuts=MANAGER_CUTS,
    )
)

LATE_SCORECARDS = register(
    ChartSpec(
        id="late_scorecards",
        title="Late scorecards now",
        query=queries.late_scorecards,
        figure=charts.late_scorecards,
        subtitle=lambda s: f"{_as_of(s)} · missing past the SLA, most recent interview first",
        empty_reason=lambda s: f"no scorecard is missing past the SLA {s.where} on the as-of date.",
        takeaway=takeaways.late_scorecards,
        metric="scorecard_on_time",
        cuts=AS_OF_CUTS,
    )
)

TALK_SHARE_DISTRIBUTION = register(
    ChartSpec(
        id="talk_share_distribution",
        title="How much hiring managers talk in interviews",
        query=queries.talk_share_distribution,
        figure=charts.talk_share_distribution,
        subtitle=lambda s: f"{s.label} · interviews the note-taker recorded",
        empty_reason=lambda s: (
            f"no interview {s.where} in {s.quarter_name} has note-taker data with the hiring"
            " manager in the room."
        ),
        takeaway=takeaways.talk_share_distribution,
        metric="talk_share",
        cuts=ROW_CUTS,
    )
)

RESCHEDULES_BY_ATS = register(
    ChartSpec(
        id="reschedules_by_ats",
        title="Interviews rescheduled by ATS",
        query=queries.reschedules_by_ats,
        figure=charts.reschedules_by_ats,
        subtitle=lambda s: f"{s.label} · by the date first scheduled",
        empty_reason=lambda s: f"no interview was scheduled {s.where} in {s.quarter_name}.",
        takeaway=takeaways.reschedules_by_ats,
        metric="reschedule_rate",
    )
)


# --- Quality: fairness ----------------------------------------------------------------------
# fct_selection_rates covers every application up to the as-of date for the whole organization
# (no quarter, department, ATS or manager cut: most groups would fall under the minimum group
# size). So no filter applies: one department or manager shows a note, the quarter is ignored.

FAIRNESS_CUTS: frozenset[str] = frozenset()
SELECTION_RATE_QUERIES = {
    "gender": queries.selection_rates_gender,
    "race_ethnicity": queries.selection_rates_race_ethnicity,
    "veteran": queries.selection_rates_veteran,
    "disability": queries.selection_rates_disability,
    "gender_x_race": queries.selection_rates_gender_x_race,
}


def _fairness_subtitle(scope: Scope) -> str:
    up_to = f"{scope.as_of:%-d %b %Y}" if scope.as_of else "the as-of date"
    return f"Whole organization · every application up to {up_to}"


def _selection_grid(dimension: str) -> ChartSpec:
    name = formats.dimension_name(dimension)
    return register(
        ChartSpec(
            id=f"selection_{dimension}",
            title=f"Impact ratio by stage · {name}",
            query=SELECTION_RATE_QUERIES[dimension],
            figure=partial(charts.impact_ratio_grid, dimension_name=name),
            subtitle=lambda s: (
                f"{_fairness_subtitle(s)} · each cell: impact ratio vs the highest group, then"
                " selection rate; red: under 0.8"
            ),
            empty_reason=lambda s: f"the snapshot holds no selection rates by {name.lower()}.",
            takeaway=takeaways.impact_ratio_grid,
            metric="impact_ratio",
            cuts=FAIRNESS_CUTS,
        )
    )


def _flagged_table(dimension: str) -> ChartSpec:
    name = formats.dimension_name(dimension)
    return register(
        ChartSpec(
            id=f"flagged_{dimension}",
            title=f"Groups under four-fifths · {name}",
            query=SELECTION_RATE_QUERIES[dimension],
            figure=partial(charts.flagged_groups_table, dimension_name=name),
            subtitle=lambda s: (
                f"{_fairness_subtitle(s)} · Fisher's exact test vs the highest group"
            ),
            empty_reason=lambda s: f"the snapshot holds no selection rates by {name.lower()}.",
            takeaway=takeaways.flagged_groups,
            metric="impact_ratio",
            cuts=FAIRNESS_CUTS,
        )
    )


SELECTION_GRIDS = {dimension: _selection_grid(dimension) for dimension in SELECTION_RATE_QUERIES}
FLAGGED_TABLES = {dimension: _flagged_table(dimension) for dimension in SELECTION_RATE_QUERIES}


# --- Data: data health ---------------------------------------------------------------------
# The meta_* tables describe the snapshot (its refreshes, files and checks): snapshot_wide.


def _snapshot(scope: Scope) -> str:
    as_of = f"as of {scope.as_of:%-d %b %Y}" if scope.as_of else "the published snapshot"
    return f"The whole snapshot, {as_of} · filters do not apply"


REFRESH_HISTORY = register(
    ChartSpec(
        id="refresh_history",
        title="Refresh history",
        query=queries.refresh_history,
        figure=charts.refresh_history,
        subtitle=lambda s: "Every refresh of this warehouse that published or failed · UTC",
        empty_reason=lambda s: (
            "the snapshot has no refresh history (published before it was kept)."
        ),
        takeaway=takeaways.refresh_history,
        metric="data_freshness",
        cuts=frozenset(),
        snapshot_wide=True,
    )
)

ROWS_BY_FILE = register(
    ChartSpec(
        id="rows_by_file",
        title="Rows loaded by file",
        query=queries.loaded_files,
        figure=charts.rows_by_file,
        subtitle=_snapshot,
        empty_reason=lambda s: "the snapshot lists no loaded file (published before it was kept).",
        takeaway=takeaways.rows_by_file,
        metric="data_freshness",
        cuts=frozenset(),
        snapshot_wide=True,
    )
)

QUARANTINE_BY_REASON = register(
    ChartSpec(
        id="quarantine_by_reason",
        title="Quarantined rows by file and reason",
        query=queries.quarantine_by_reason,
        figure=charts.quarantine_by_reason,
        subtitle=_snapshot,
        empty_reason=lambda s: "no row was quarantined: every row of every file passed validation.",
        takeaway=takeaways.quarantine_by_reason,
        metric="data_freshness",
        cuts=frozenset(),
        snapshot_wide=True,
    )
)

CHECK_RESULTS = register(
    ChartSpec(
        id="check_results",
        title="Checks of the refresh",
        query=queries.check_results,
        figure=charts.check_results,
        subtitle=lambda s: "dbt data tests and the validation of each file, in the latest refresh",
        empty_reason=lambda s: (
            "the snapshot holds no check results (published before they were kept)."
        ),
        takeaway=takeaways.check_results,
        metric="data_freshness",
        cuts=frozenset(),
        snapshot_wide=True,
    )
)
