"""Funnel & speed: where applications move on or wait, and how long hiring takes. Layout only."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, sidebar

scope = sidebar.current_scope()

st.title("Funnel & speed")
st.caption(f"{scope.label} · waiting and open openings as of the as-of date")

components.chart(specs.STAGE_FUNNEL, scope)

left, right = st.columns(2)
with left:
    components.chart(specs.STAGE_AGING, scope)
with right:
    components.chart(specs.TIME_IN_STAGE, scope, describe=False)

left, right = st.columns(2)
with left:
    components.chart(specs.TIME_TO_HIRE_BY_DEPARTMENT, scope, describe=False)
with right:
    components.chart(specs.TIME_TO_FILL_BY_DEPARTMENT, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.TIME_TO_HIRE_BY_SOURCE, scope, describe=False)
with right:
    components.chart(specs.TIME_TO_FILL_BY_SOURCE, scope, describe=False)

components.chart(specs.OPEN_OPENINGS_BY_AGE, scope)

left, right = st.columns(2)
with left:
    components.chart(specs.OFFER_ACCEPTANCE_TREND, scope)
with right:
    components.chart(specs.DECLINED_OFFER_REASONS, scope, describe=False)
