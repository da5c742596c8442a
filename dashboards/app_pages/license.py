"""License to Hire program: coverage, the roles to act on, intake, retrospectives, the effect.

Layout only.
"""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()

st.title("License to Hire program")
st.caption(
    f"{scope.label} · a job counts as licensed when its hiring manager held a valid License to"
    " Hire on the day it opened; intake and retrospectives are the program's other practices."
)

# (label, query, what the rate counts, metric slug): the kpi_* tables behind the tiles.
TILES = (
    (
        "License to Hire coverage",
        queries.license_coverage_quarter,
        ("job opened", "jobs opened"),
        "licensed_at_open",
    ),
    (
        "Intake on time",
        queries.intake_on_time_quarter,
        ("job decided", "jobs decided"),
        "intake_on_time",
    ),
    (
        "Retrospectives done",
        queries.retrospectives_quarter,
        ("filled opening decided", "filled openings decided"),
        "retrospective_done",
    ),
)
KEPT_BY = "Kept by department and ATS only: see One hiring manager."

columns = st.columns(4)
for column, (label, query, counted, metric) in zip(columns, TILES, strict=False):
    with column:
        if scope.has_manager:
            components.unavailable_tile(label, KEPT_BY, data.metric_help(metric))
        else:
            components.quarter_tile(
                label,
                data.fetch(query, scope),
                formats.percent,
                formats.point_change,
                counted,
                data.metric_help(metric),
                lower_is_better=False,
                scope=scope,
            )
with columns[3]:
    if scope.has_manager:
        components.unavailable_tile(
            "Managers licensed now", KEPT_BY, data.metric_help("licensed_at_open")
        )
    else:
        now = data.fetch(queries.licensed_managers_now, scope)
        with st.container(border=True):
            st.metric(
                "Managers licensed now",
                formats.percent(now.coverage),
                help=data.metric_help("licensed_at_open"),
            )
            managers = formats.count(now.with_open_job, "hiring manager", "hiring managers")
            st.caption(f"{now.licensed} of {managers} with an open job, on the as-of date")

components.chart(specs.LICENSE_COVERAGE_TREND, scope)
components.chart(specs.UNLICENSED_ROLES, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.INTAKE_TIMELINESS_TREND, scope)
with right:
    components.chart(specs.RETROSPECTIVES_TREND, scope)

st.subheader("Program effect")
st.info(
    "**A comparison, not proof.** Filled openings whose manager followed a practice are compared"
    " with those whose manager did not. Managers who take the course may differ in other ways,"
    " so a difference here is a reason to look closer, not evidence that the practice caused it."
    " Each row shows both groups' values, the 95% interval of the difference and how many"
    ' openings each side has; with too few openings a row says "not enough data".',
    icon=":material/balance:",
)
components.chart(specs.PROGRAM_EFFECT, scope)
