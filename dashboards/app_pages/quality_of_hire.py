"""Quality of hire: how the people hired turn out, by start cohort. Layout only."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
help_text = data.metric_help("quality_of_hire")

st.title("Quality of hire")
st.caption(
    f"{scope.label} · by start date: a hire belongs to the quarter they started in. A score"
    " needs two of three components; hires too recent to have them are counted as censored."
)

tiles = st.columns(4)
if scope.has_manager:
    # kpi_quality_of_hire is cut by department and ATS; the distribution below is per manager.
    reason = "Kept by department and ATS only: see Hiring managers."
    for column, label in zip(
        tiles,
        ["Quality of hire (mean)", "Hires still censored", "90-day retention", "1-year retention"],
        strict=True,
    ):
        with column:
            components.unavailable_tile(label, reason, help_text)
else:
    cohort = data.fetch(queries.quality_of_hire_quarter, scope)
    with tiles[0]:
        components.quarter_tile(
            "Quality of hire (mean)",
            cohort,
            lambda v: formats.MISSING if v is None else f"{v:.0f} / 100",
            lambda c: f"{c:+.0f} pts",
            ("hire scored", "hires scored"),
            help_text,
            lower_is_better=False,
            scope=scope,
        )
    with tiles[1], st.container(border=True):
        cohorts = data.fetch(queries.quality_by_cohort, scope)
        now = cohorts[cohorts["quarter"].astype(str).str.startswith(str(scope.quarter))]
        censored = 0 if now.empty else int(now.iloc[0]["censored_n"])
        hires = 0 if now.empty else int(now.iloc[0]["hires_n"])
        st.metric("Hires still censored", f"{censored}", help=help_text)
        st.caption(
            f"of {formats.count(hires, 'hire', 'hires')} who started in {scope.quarter_name}"
        )
    with tiles[2]:
        components.quarter_tile(
            "90-day retention",
            data.fetch(queries.retention_90d_quarter, scope),
            formats.percent,
            formats.point_change,
            ("hire past 90 days", "hires past 90 days"),
            help_text,
            lower_is_better=False,
            scope=scope,
        )
    with tiles[3]:
        components.quarter_tile(
            "1-year retention",
            data.fetch(queries.retention_1y_quarter, scope),
            formats.percent,
            formats.point_change,
            ("hire past a year", "hires past a year"),
            help_text,
            lower_is_better=False,
            scope=scope,
        )

components.chart(specs.QUALITY_BY_COHORT, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.CENSORED_BY_COHORT, scope, describe=False)
with right:
    components.chart(specs.RETENTION_BY_COHORT, scope, describe=False)
left, right = st.columns(2)
with left:
    components.chart(specs.QUALITY_BY_DEPARTMENT, scope, describe=False)
with right:
    components.chart(specs.QUALITY_DISTRIBUTION, scope, describe=False)
components.description(help_text)
