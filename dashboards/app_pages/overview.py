"""Overview: the page a leadership review opens. Layout only: numbers come from the data layer."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
info = data.snapshot_info()

quarter_running = scope.quarter <= info.as_of_date < scope.quarter_end
st.title("Overview")
st.caption(
    scope.label
    + (" to date" if quarter_running else "")
    + f" · data as of {formats.as_of(info.as_of_date, info.latest_event_date)}"
)

# Every tile reads a KPI table cut by department and ATS; only candidate NPS is also cut by
# hiring manager (and not by ATS). A tile that cannot answer the filters says so.
per_manager = "Kept by department and ATS only: see Hiring managers."
tiles = [*st.columns(4), *st.columns(4)[:3]]  # speed, then quality and practices


def kpi_tile(column, label, query, show, show_change, counted, metric, lower_is_better):
    with column:
        if scope.has_manager:
            components.unavailable_tile(label, per_manager, data.metric_help(metric))
        else:
            components.quarter_tile(
                label,
                data.fetch(query, scope),
                show,
                show_change,
                counted,
                data.metric_help(metric),
                lower_is_better=lower_is_better,
                scope=scope,
            )


kpi_tile(
    tiles[0],
    "Time to hire (median)",
    queries.time_to_hire_quarter,
    formats.days,
    formats.day_change,
    ("hire", "hires"),
    "time_to_hire",
    lower_is_better=True,
)
kpi_tile(
    tiles[1],
    "Time to fill (median)",
    queries.time_to_fill_quarter,
    formats.days,
    formats.day_change,
    ("opening filled", "openings filled"),
    "time_to_fill",
    lower_is_better=True,
)
kpi_tile(
    tiles[2],
    "Offer acceptance",
    queries.offer_acceptance_quarter,
    formats.percent,
    formats.point_change,
    ("offer resolved", "offers resolved"),
    "offer_acceptance_rate",
    lower_is_better=False,
)
with tiles[3]:
    if scope.has_manager:
        components.unavailable_tile(
            "Open openings", per_manager, data.metric_help("open_opening_age")
        )
    else:
        with st.container(border=True):
            openings = data.fetch(queries.open_openings, scope)
            st.metric(
                "Open openings",
                f"{openings.count}",
                f"median age {formats.days(openings.median_age_days)}" if openings.count else None,
                "off",
                help=data.metric_help("open_opening_age"),
                delta_arrow="off",
            )
            st.caption(f"On {formats.long_date(info.as_of_date)}, the as-of date")
kpi_tile(
    tiles[4],
    "Quality of hire (mean)",
    queries.quality_of_hire_quarter,
    lambda value: formats.MISSING if value is None else f"{value:.0f} / 100",
    lambda change: f"{change:+.0f} pts",
    ("hire scored", "hires scored"),
    "quality_of_hire",
    lower_is_better=False,
)
with tiles[5]:
    if specs.NPS_TREND.unsupported(scope):
        components.unavailable_tile(
            "Candidate NPS",
            "Survey results are not kept per ATS in the snapshot.",
            data.metric_help("candidate_nps"),
        )
    else:
        components.nps_tile(
            data.fetch(queries.candidate_nps_quarter, scope),
            data.min_group_size(),
            data.metric_help("candidate_nps"),
            scope,
        )
kpi_tile(
    tiles[6],
    "License to Hire coverage",
    queries.license_coverage_quarter,
    formats.percent,
    formats.point_change,
    ("job opened", "jobs opened"),
    "licensed_at_open",
    lower_is_better=False,
)

left, right = st.columns(2)
with left:
    components.chart(specs.TIME_TO_HIRE_TREND, scope, describe=False)
with right:
    components.chart(specs.TIME_TO_FILL_TREND, scope, describe=False)

left, right = st.columns(2)
with left:
    components.chart(specs.OFFER_ACCEPTANCE_TREND, scope, describe=False)
with right:
    components.chart(specs.SOURCE_OF_HIRE, scope)

components.chart(specs.STAGE_FUNNEL, scope)
