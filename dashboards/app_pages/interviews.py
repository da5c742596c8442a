"""Interviews: scorecards on time, late scorecards, how much managers talk, reschedules.

Layout only.
"""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
scorecard_help = data.metric_help("scorecard_on_time")
talk_help = data.metric_help("talk_share")

st.title("Interviews")
st.caption(
    f"{scope.label} · a scorecard is on time when submitted within the SLA after the interview"
    " ends; talk share comes from the note-taker, for interviews it recorded."
)

tiles = st.columns(3)
with tiles[0]:
    if scope.has_manager:
        components.unavailable_tile(
            "Scorecards on time",
            "Kept by department and ATS only: see the hiring managers' chart below.",
            scorecard_help,
        )
    else:
        components.quarter_tile(
            "Scorecards on time",
            data.fetch(queries.scorecard_on_time_quarter, scope),
            formats.percent,
            formats.point_change,
            ("scorecard decided", "scorecards decided"),
            scorecard_help,
            lower_is_better=False,
            scope=scope,
        )
with tiles[1], st.container(border=True):
    late = data.fetch(queries.late_scorecards, scope)
    st.metric("Late scorecards now", f"{len(late)}", help=scorecard_help)
    st.caption("missing past the SLA on the as-of date")
with tiles[2]:
    if scope.has_manager:
        components.unavailable_tile(
            "Hiring manager talk share (median)",
            "Kept by department and ATS only: see One hiring manager.",
            talk_help,
        )
    else:
        components.quarter_tile(
            "Hiring manager talk share (median)",
            data.fetch(queries.talk_share_quarter, scope),
            formats.percent,
            formats.point_change,
            ("interview with the hiring manager", "interviews with the hiring manager"),
            talk_help,
            lower_is_better=True,
            scope=scope,
        )

left, right = st.columns(2)
with left:
    components.chart(specs.SCORECARDS_BY_TEAM, scope, describe=False)
    components.chart(specs.TALK_SHARE_DISTRIBUTION, scope)
with right:
    components.chart(specs.SCORECARDS_BY_MANAGER, scope, describe=False)
components.chart(specs.LATE_SCORECARDS, scope)
components.chart(specs.RESCHEDULES_BY_ATS, scope)
