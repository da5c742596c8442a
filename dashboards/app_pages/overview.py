"""Overview: the page a leadership review opens. Layout only: numbers come from the data layer."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
info = data.snapshot_info()

as_of = formats.long_date(info.as_of_date)
quarter_running = scope.quarter <= info.as_of_date < scope.quarter_end
st.title("Overview")
st.caption(
    f"{scope.department} · {scope.quarter_name}"
    + (f" to date (the data runs to {as_of})" if quarter_running else f" · data as of {as_of}")
)

tiles = st.columns(4)
with tiles[0]:
    components.quarter_tile(
        "Time to hire (median)",
        data.fetch(queries.time_to_hire_quarter, scope),
        formats.days,
        formats.day_change,
        ("hire", "hires"),
        data.metric_help("time_to_hire"),
        lower_is_better=True,
        scope=scope,
    )
with tiles[1]:
    components.quarter_tile(
        "Time to fill (median)",
        data.fetch(queries.time_to_fill_quarter, scope),
        formats.days,
        formats.day_change,
        ("opening filled", "openings filled"),
        data.metric_help("time_to_fill"),
        lower_is_better=True,
        scope=scope,
    )
with tiles[2]:
    components.quarter_tile(
        "Offer acceptance",
        data.fetch(queries.offer_acceptance_quarter, scope),
        formats.percent,
        formats.point_change,
        ("offer resolved", "offers resolved"),
        data.metric_help("offer_acceptance_rate"),
        lower_is_better=False,
        scope=scope,
    )
with tiles[3], st.container(border=True):
    openings = data.fetch(queries.open_openings, scope)
    st.metric(
        "Open openings",
        f"{openings.count}",
        f"median age {formats.days(openings.median_age_days)}" if openings.count else None,
        "off",
        help=data.metric_help("open_opening_age"),
        delta_arrow="off",
    )
    st.caption(f"On {as_of}, the as-of date")

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
