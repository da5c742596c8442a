"""One hiring manager: their quarter against the organization, their trend and their jobs."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import charts, components, data, formats, queries, sidebar
from dashboards.charts import present

scope = sidebar.current_scope()
help_text = data.metric_help("manager_hiring_impact")

st.title("Hiring manager")
if not scope.has_manager:
    st.info(
        "Choose a hiring manager in the sidebar to see their quarter, trend and jobs.",
        icon=":material/person_search:",
    )
    st.stop()

st.caption(f"{scope.manager} · {scope.quarter_name} · beside the organization's values")
impact = data.fetch(queries.manager_impact, scope)
if impact.empty:
    st.info(
        f"**{scope.manager}** has no hire or practice event in {scope.quarter_name}.",
        icon=":material/info:",
    )
else:
    row = impact.iloc[0]

    def shown(column: str, show) -> str:
        return show(float(row[column])) if present(row[column]) else formats.MISSING

    def versus(column: str, show) -> str | None:
        """The manager's value minus the organization's, as the tile's delta."""
        mine, org = row[column], row[f"org_{column}"]
        if not present(mine) or not present(org):
            return None
        change = float(mine) - float(org)
        return "0" if round(change, 6) == 0 else show(change)

    tiles = st.columns(5)
    with tiles[0]:
        components.versus_org_tile(
            "Hires",
            f"{int(row['hires_n'])}",
            None,
            False,
            f"of {int(row['org_hires_n'])} in the organization",
            help_text,
        )
    with tiles[1]:
        components.versus_org_tile(
            "Time to hire (median)",
            shown("time_to_hire_median_days", formats.days),
            versus("time_to_hire_median_days", formats.day_change),
            True,
            f"n = {int(row['time_to_hire_n'])} · organization"
            f" {shown('org_time_to_hire_median_days', formats.days)}",
            help_text,
        )
    with tiles[2]:
        components.versus_org_tile(
            "Quality of hire (mean)",
            shown("quality_of_hire_mean", lambda v: f"{v:.0f} / 100"),
            versus("quality_of_hire_mean", lambda c: f"{c:+.0f} pts"),
            False,
            f"n = {int(row['quality_of_hire_n'])} scored ·"
            f" {int(row['quality_of_hire_censored_n'])} censored",
            help_text,
        )
    with tiles[3]:
        suppressed = bool(row["nps_is_suppressed"])
        components.versus_org_tile(
            "Candidate NPS",
            charts.impact_cell(row, "nps", None, formats.nps),
            None if suppressed else versus("nps", lambda c: f"{c:+.0f} points"),
            False,
            f"{formats.count(int(row['nps_responses_n']), 'response', 'responses')}"
            f" in {scope.quarter_name}",
            help_text,
        )
    with tiles[4]:
        talk = row["talk_share_median"]
        components.versus_org_tile(
            "Talk share",
            shown("talk_share_median", formats.percent),
            versus("talk_share_median", formats.point_change),
            True,
            f"{charts.talk_share_phrase(talk)} (median of {int(row['talk_share_n'])} interviews)"
            if present(talk)
            else "No interview with talk data",
            help_text,
        )

components.chart(specs.MANAGER_TREND, scope, describe=False)
components.chart(specs.MANAGER_JOBS, scope, describe=False)
components.description(help_text)
