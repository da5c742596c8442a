"""Candidate experience: what candidates say about the process (NPS), never below the minimum."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
help_text = data.metric_help("candidate_nps")
min_size = data.min_group_size()

st.title("Candidate experience")
st.caption(
    f"{scope.label} · NPS by response date, response rate by the date the survey was sent."
    f" A group with {formats.fewer_than(min_size, 'responses')} shows no score."
)

tiles = st.columns(3)
if specs.NPS_TREND.unsupported(scope):
    for column, label in zip(tiles, ["Candidate NPS", "Response rate", "Responses"], strict=True):
        with column:
            components.unavailable_tile(
                label, "Survey results are not kept per ATS in the snapshot.", help_text
            )
else:
    nps = data.fetch(queries.candidate_nps_quarter, scope)
    with tiles[0]:
        components.nps_tile(nps, min_size, help_text, scope)
    with tiles[1], st.container(border=True):
        st.metric("Response rate", formats.percent(nps.response_rate), help=help_text)
        st.caption(f"Surveys sent in {scope.quarter_name} that were answered")
    with tiles[2], st.container(border=True):
        st.metric("Responses", f"{nps.responses_n}", help=help_text)
        st.caption(f"In {scope.quarter_name}")

components.chart(specs.NPS_TREND, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.NPS_BY_OUTCOME, scope, describe=False)
with right:
    components.chart(specs.NPS_BY_STAGE, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.NPS_BY_DEPARTMENT, scope, describe=False)
with right:
    components.chart(specs.NPS_BY_MANAGER, scope, describe=False)
components.description(help_text)
