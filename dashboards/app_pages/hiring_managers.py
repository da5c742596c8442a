"""Hiring managers: every manager's hiring impact beside the organization's. Layout only."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, sidebar

scope = sidebar.current_scope()

st.title("Hiring managers")
st.caption(
    f"{scope.label} · each component with its n and the organization's value. No single score"
    " replaces the components; choose a manager in the sidebar for their page."
)
components.chart(specs.MANAGER_IMPACT, scope)
