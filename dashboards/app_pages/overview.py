"""Overview: the page a leadership review opens. Layout only; numbers come from `data`."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import charts, data, formats, notices, sidebar
from dashboards.periods import quarter_label, shift_months


def quarter_tile(
    label: str,
    kpi: data.QuarterOverQuarter,
    show: Callable[[float | None], str],
    show_change: Callable[[float], str],
    counted: tuple[str, str],
    help_text: str,
    lower_is_better: bool,
) -> None:
    """The quarter's value, its change since the previous quarter, and what it counts.

    `counted` names what the value is computed over, singular and plural;
    `help_text` is the metric's description (data.metric_help), behind the (?) icon.
    """
    with st.container(border=True):
        if kpi.change is None:
            st.metric(label, show(kpi.current), help=help_text)
        else:
            change = show_change(kpi.change)
            st.metric(
                label,
                show(kpi.current),
                # A change that rounds to nothing goes in as the number 0, which Streamlit greys.
                0 if float(change.split()[0]) == 0 else change,
                "inverse" if lower_is_better else "normal",
                help=help_text,
                delta_description=f"vs {previous}",
            )
        counts = f"{formats.count(kpi.n, *counted)} in {quarter}"
        if kpi.current is None:
            st.caption(f"No {counted[1]} in {quarter}")
        elif kpi.change is None:
            st.caption(f"{counts} · no {previous} value to compare")
        else:
            st.caption(counts)


def chart_or_note(
    frame: pd.DataFrame,
    build: Callable[[pd.DataFrame, str], go.Figure],
    subtitle: str,
    title: str,
    empty_reason: str,
    metric: str | None = None,
) -> None:
    """The chart, or a note saying why there is nothing to plot (never an empty axis).

    A chart of a metric no tile explains gets the metric's description beneath it.
    """
    if frame.empty:
        notices.no_data(title, empty_reason)
    else:
        st.plotly_chart(build(frame, subtitle), config={"displaylogo": False})
    if metric is not None:
        st.caption(data.metric_help(metric))


scope = sidebar.current_scope()
info = data.snapshot_info()
quarter = quarter_label(scope.quarter)
previous = quarter_label(scope.previous_quarter)
where = (
    "across all departments"
    if scope.department == data.ALL_DEPARTMENTS
    else f"in {scope.department}"
)
# Trends end with the selected quarter, or with the as-of month if that comes first.
last_month = min(shift_months(scope.quarter_end, -1), info.as_of_date.replace(day=1))
trend_span = f"{scope.trend_start:%b %Y} – {last_month:%b %Y}"
between = f"between {scope.trend_start:%b %Y} and {last_month:%b %Y}"
trend_subtitle = f"{scope.department} · {trend_span}"

as_of = formats.long_date(info.as_of_date)
quarter_running = scope.quarter <= info.as_of_date < scope.quarter_end
st.title("Overview")
st.caption(
    f"{scope.department} · {quarter}"
    + (f" to date (the data runs to {as_of})" if quarter_running else f" · data as of {as_of}")
)

tiles = st.columns(4)
with tiles[0]:
    quarter_tile(
        "Time to hire (median)",
        data.time_to_hire_quarter(scope),
        formats.days,
        formats.day_change,
        ("hire", "hires"),
        data.metric_help("time_to_hire"),
        lower_is_better=True,
    )
with tiles[1]:
    quarter_tile(
        "Time to fill (median)",
        data.time_to_fill_quarter(scope),
        formats.days,
        formats.day_change,
        ("opening filled", "openings filled"),
        data.metric_help("time_to_fill"),
        lower_is_better=True,
    )
with tiles[2]:
    quarter_tile(
        "Offer acceptance",
        data.offer_acceptance_quarter(scope),
        formats.percent,
        formats.point_change,
        ("offer resolved", "offers resolved"),
        data.metric_help("offer_acceptance_rate"),
        lower_is_better=False,
    )
with tiles[3], st.container(border=True):
    openings = data.open_openings(scope)
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
    chart_or_note(
        data.time_to_hire_by_month(scope),
        charts.time_to_hire_trend,
        trend_subtitle,
        "Time to hire by month",
        f"no offers were accepted {where} {between}.",
    )
with right:
    chart_or_note(
        data.time_to_fill_by_month(scope),
        charts.time_to_fill_trend,
        trend_subtitle,
        "Time to fill by month",
        f"no openings were filled {where} {between}.",
    )

left, right = st.columns(2)
with left:
    chart_or_note(
        data.offer_acceptance_by_month(scope),
        charts.offer_acceptance_trend,
        trend_subtitle,
        "Offer acceptance by month",
        f"no offers were accepted or declined {where} {between}.",
    )
with right:
    chart_or_note(
        data.source_of_hire(scope),
        charts.source_of_hire,
        scope.label,
        "Source of hire",
        f"no hires {where} in {quarter}.",
        metric="source_of_hire",
    )

chart_or_note(
    data.stage_pass_through(scope),
    charts.stage_funnel,
    f"{scope.label} · applications by the quarter they entered each stage",
    "Stage pass-through",
    f"no applications entered a stage {where} in {quarter}.",
    metric="pass_through_rate",
)
