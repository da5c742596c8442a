"""One function per chart, each returning a plotly Figure.

The dashboard pages and the slide export both call these, so a chart looks the
same on screen and on a slide: titles say what and for whom, axes carry units,
traces carry names, and a measure keeps its colour on every chart.
Inputs are the frames `dashboards.data` returns; nothing here queries or computes a metric.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards import formats

COLORS = {
    "primary": "#1f5fbf",  # the measure a chart is about: medians, rates, hires
    "secondary": "#9cc0ef",  # its spread: 75th percentiles
    "muted": "#c3cad5",  # the other outcome: declined offers
    "pending": "#e08a1e",  # not decided yet: applications in progress
    "text": "#1f2937",
    "grid": "#e5e7eb",
}
FONT = "Source Sans Pro, Segoe UI, Helvetica Neue, Arial, sans-serif"
TREND_HEIGHT = 380


def stage_label(canonical_stage: str) -> str:
    """'hiring_manager_screen' -> 'Hiring manager screen'."""
    return canonical_stage.replace("_", " ").capitalize()


def _layout(figure: go.Figure, title: str, subtitle: str, height: int = TREND_HEIGHT) -> go.Figure:
    figure.update_layout(
        template="plotly_white",
        # Title sits just above the plot, leaving a band for the legend between them;
        # automargin makes room for both whatever the chart's height.
        title={
            "text": f"{title}<br><sup style='color:#6b7280'>{subtitle}</sup>",
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "bottom",
            "yref": "paper",
            "pad": {"b": 34},
            "automargin": True,
            "font": {"size": 18},
        },
        font={"family": FONT, "size": 13, "color": COLORS["text"]},
        height=height,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        # Paper-anchored: a container-anchored legend makes the margins grow on every rerender.
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        hoverlabel={"font": {"family": FONT}},
        bargap=0.3,
    )
    figure.update_xaxes(gridcolor=COLORS["grid"], automargin=True)
    figure.update_yaxes(gridcolor=COLORS["grid"], automargin=True)
    return figure


def _month_axis(figure: go.Figure, title: str, months: pd.Series) -> None:
    """One tick a month, named 'Jan'; the year shows under the first month and each January."""
    ticks = [pd.Timestamp(month) for month in months]
    labels = [
        f"{tick:%b}<br>{tick:%Y}" if i == 0 or tick.month == 1 else f"{tick:%b}"
        for i, tick in enumerate(ticks)
    ]
    figure.update_xaxes(
        title_text=title, tickvals=ticks, ticktext=labels, tickangle=0, hoverformat="%b %Y"
    )


def _duration_trend(
    frame: pd.DataFrame, n_column: str, n_label: str, title: str, x_title: str, subtitle: str
) -> go.Figure:
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=frame["month"],
            y=frame["median_days"],
            customdata=frame[n_column],
            name="Median",
            mode="lines+markers+text",
            text=[f"{value:.0f}" for value in frame["median_days"]],
            textposition="top center",
            cliponaxis=False,
            line={"color": COLORS["primary"], "width": 3},
            marker={"size": 8},
            hovertemplate=f"Median: %{{y:.1~f}} days (%{{customdata}} {n_label})<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=frame["month"],
            y=frame["p75_days"],
            name="75th percentile",
            mode="lines+markers",
            line={"color": COLORS["secondary"], "width": 2, "dash": "dash"},
            marker={"size": 6},
            hovertemplate="75th percentile: %{y:.1~f} days<extra></extra>",
        )
    )
    _layout(figure, title, subtitle)
    _month_axis(figure, x_title, frame["month"])
    figure.update_yaxes(title_text="days", rangemode="tozero")
    figure.update_layout(hovermode="x unified")
    return figure


def time_to_hire_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Median and 75th percentile days from application to accepted offer, by month."""
    return _duration_trend(
        frame,
        n_column="hires_n",
        n_label="hires",
        title="Time to hire by month",
        x_title="Month of offer acceptance",
        subtitle=subtitle,
    )


def time_to_fill_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Median and 75th percentile days from opening to first accepted offer, by month."""
    return _duration_trend(
        frame,
        n_column="openings_filled_n",
        n_label="openings filled",
        title="Time to fill by month",
        x_title="Month filled",
        subtitle=subtitle,
    )


def offer_acceptance_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Acceptance rate by month over the accepted and declined offers behind it."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    for column, name, color in (
        ("offers_accepted", "Accepted", COLORS["primary"]),
        ("offers_declined", "Declined", COLORS["muted"]),
    ):
        figure.add_trace(
            go.Bar(
                x=frame["month"],
                y=frame[column],
                name=name,
                marker_color=color,
                opacity=0.55,
                hovertemplate=f"{name}: %{{y}} offers<extra></extra>",
            ),
            secondary_y=True,
        )
    rate = frame["acceptance_rate"].astype("Float64") * 100
    figure.add_trace(
        go.Scatter(
            x=frame["month"],
            y=rate,
            name="Acceptance rate",
            mode="lines+markers",
            line={"color": COLORS["text"], "width": 3},
            marker={"size": 8},
            hovertemplate="Acceptance rate: %{y:.0f}%<extra></extra>",
        ),
        secondary_y=False,
    )
    _layout(figure, "Offer acceptance by month", subtitle)
    _month_axis(figure, "Month the offer was resolved", frame["month"])
    figure.update_layout(barmode="stack", hovermode="x unified")
    figure.update_yaxes(title_text="Acceptance rate (%)", range=[0, 115], secondary_y=False)
    figure.update_yaxes(
        title_text="Offers resolved (count)",
        showgrid=False,
        rangemode="tozero",
        tickmode="auto",  # counts: whole numbers, not ticks aligned to the rate's grid
        tickformat=",d",
        secondary_y=True,
    )
    return figure


def stage_funnel(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Pass-through rate per canonical stage, with the applications still in progress beside it.

    In-progress applications are not in the rate's denominator (docs/metrics.md), so
    they get their own panel instead of a share of the bar.
    """
    labels = [stage_label(stage) for stage in frame["canonical_stage"]]
    decided = frame["passed_n"] + frame["rejected_n"]
    rate = frame["pass_through_rate"].astype("Float64") * 100
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.78, 0.22],
        horizontal_spacing=0.03,
    )
    figure.add_trace(
        go.Bar(
            x=rate,
            y=labels,
            orientation="h",
            name="Pass-through rate",
            marker_color=COLORS["primary"],
            customdata=list(zip(frame["passed_n"], decided, strict=True)),
            text=[
                "no decisions yet" if pd.isna(value) else f"{value:.0f}%  ({passed} of {total})"
                for value, passed, total in zip(rate, frame["passed_n"], decided, strict=True)
            ],
            textposition="auto",  # inside long bars, so labels never run into the next panel
            insidetextanchor="end",
            cliponaxis=False,
            hovertemplate=(
                "%{y}: %{x:.0f}% moved on<br>%{customdata[0]} of %{customdata[1]} decided"
                "<extra></extra>"
            ),
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Bar(
            x=frame["in_progress_n"],
            y=labels,
            orientation="h",
            name="In progress",
            marker_color=COLORS["pending"],
            text=frame["in_progress_n"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} still in progress<extra></extra>",
        ),
        row=1,
        col=2,
    )
    _layout(figure, "Stage pass-through", subtitle, height=100 + 48 * max(len(frame), 3))
    figure.update_yaxes(autorange="reversed", row=1, col=1)
    figure.update_xaxes(title_text="Moved on to a later stage (%)", range=[0, 100], row=1, col=1)
    figure.update_xaxes(
        title_text="In progress<br>(applications)", rangemode="tozero", row=1, col=2
    )
    return figure


def source_of_hire(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Share of the quarter's hires by credited source, largest first."""
    share = frame["share_of_hires"].astype("Float64") * 100
    figure = go.Figure(
        go.Bar(
            x=share,
            y=frame["source_name"],
            orientation="h",
            name="Share of hires",
            marker_color=COLORS["primary"],
            width=0.6,
            customdata=frame["hires_n"],
            text=[
                f"{value:.0f}%  ({formats.count(hires, 'hire', 'hires')})"
                for value, hires in zip(share, frame["hires_n"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.0f}% of hires (%{customdata})<extra></extra>",
        )
    )
    _layout(figure, "Source of hire", subtitle)
    figure.update_yaxes(autorange="reversed", title_text=None)
    largest = 100.0 if share.dropna().empty else float(share.max())
    figure.update_xaxes(title_text="Share of hires (%)", range=[0, largest * 1.3])
    figure.update_layout(showlegend=False)
    return figure


# --- Funnel & speed -----------------------------------------------------------------------

AGE_BAND_COLORS = ["#9cc0ef", "#5b8fd9", "#1f5fbf", "#e08a1e", "#b45309"]  # older: warmer


def _count_axis(figure: go.Figure, largest: float, **where) -> None:
    """Whole-number ticks on a count axis, however small the counts."""
    step = max(1, int(largest // 5) + (1 if largest % 5 else 0)) if largest > 5 else 1
    figure.update_xaxes(tick0=0, dtick=step, rangemode="tozero", **where)


def stage_aging(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Open stage stays on the as-of date by canonical stage, stacked by how long they have waited.

    `frame`: canonical_stage, canonical_stage_order, age_band, age_band_order, open_stays_n.
    """
    stages = frame.sort_values("canonical_stage_order")["canonical_stage"].drop_duplicates()
    labels = [stage_label(stage) for stage in stages]
    figure = go.Figure()
    bands = frame.sort_values("age_band_order")[["age_band", "age_band_order"]].drop_duplicates()
    for band, order in bands.itertuples(index=False):
        rows = frame[frame["age_band"] == band].set_index("canonical_stage")
        counts = [int(rows["open_stays_n"].get(stage, 0)) for stage in stages]
        figure.add_trace(
            go.Bar(
                x=counts,
                y=labels,
                orientation="h",
                name=band,
                marker_color=AGE_BAND_COLORS[min(int(order), len(AGE_BAND_COLORS) - 1)],
                hovertemplate=f"%{{y}}: %{{x}} open for {band}<extra></extra>",
            )
        )
    _layout(figure, "Stage aging of open applications", subtitle, 100 + 48 * max(len(labels), 3))
    figure.update_layout(barmode="stack", legend_traceorder="normal")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="Applications waiting in the stage (count)")
    totals = frame.groupby("canonical_stage")["open_stays_n"].sum()
    _count_axis(figure, float(totals.max()) if len(totals) else 1.0)
    return figure


def _duration_bars(
    frame: pd.DataFrame,
    n_column: str,
    n_label: str,
    title: str,
    subtitle: str,
    label: str = "department",
) -> go.Figure:
    """Median (bar) and 75th percentile (marker) days per `label` (a department, a stage)."""
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=frame["median_days"],
            y=frame[label],
            orientation="h",
            name="Median",
            marker_color=COLORS["primary"],
            customdata=frame[n_column],
            text=[
                f"{formats.days(value)}  ({formats.count(int(n), *n_label)})"
                for value, n in zip(frame["median_days"], frame[n_column], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}: median %{{x:.1~f}} days (%{{customdata}} {n_label[1]})"
            "<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=frame["p75_days"],
            y=frame[label],
            mode="markers",
            name="75th percentile",
            marker={"color": COLORS["secondary"], "size": 12, "symbol": "line-ns-open"},
            marker_line_width=3,
            hovertemplate="%{y}: 75th percentile %{x:.1~f} days<extra></extra>",
        )
    )
    _layout(figure, title, subtitle, 120 + 40 * max(len(frame), 3))
    figure.update_yaxes(autorange="reversed", title_text=None)
    largest = pd.concat([frame["median_days"], frame["p75_days"]]).dropna()
    top = 10.0 if largest.empty else float(largest.max())
    figure.update_xaxes(title_text="days", range=[0, top * 1.6])
    return figure


def time_to_hire_by_department(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _duration_bars(
        frame, "hires_n", ("hire", "hires"), "Time to hire by department", subtitle
    )


def time_in_stage(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """`frame`: canonical_stage, canonical_stage_order, stays_n, median_days, p75_days."""
    frame = frame.sort_values("canonical_stage_order")
    frame = frame.assign(stage=[stage_label(stage) for stage in frame["canonical_stage"]])
    return _duration_bars(
        frame, "stays_n", ("stay", "stays"), "Time in stage", subtitle, label="stage"
    )


def time_to_fill_by_department(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _duration_bars(
        frame,
        "openings_filled_n",
        ("filled", "filled"),
        "Time to fill by department",
        subtitle,
    )


def time_to_hire_by_source(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _duration_bars(
        frame, "events_n", ("hire", "hires"), "Time to hire by source", subtitle, "source_name"
    )


def time_to_fill_by_source(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _duration_bars(
        frame, "events_n", ("filled", "filled"), "Time to fill by source", subtitle, "source_name"
    )


def open_openings_by_age(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Every opening still open on the as-of date, oldest first, with its age in days."""
    labels = [
        f"{job} · {department}"
        for job, department in zip(frame["job_name"], frame["department"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            x=frame["open_age_days"],
            y=labels,
            orientation="h",
            name="Days open",
            marker_color=COLORS["pending"],
            text=[formats.days(float(age)) for age in frame["open_age_days"]],
            textposition="outside",
            cliponaxis=False,
            customdata=frame["hiring_manager"].fillna("no hiring manager"),
            hovertemplate="%{y}: open %{x} days (hiring manager %{customdata})<extra></extra>",
        )
    )
    _layout(figure, "Open openings by age", subtitle, 100 + 30 * max(len(frame), 4))
    figure.update_yaxes(autorange="reversed", title_text=None)
    top = float(frame["open_age_days"].max()) if len(frame) else 10.0
    figure.update_xaxes(title_text="Days open on the as-of date", range=[0, top * 1.2])
    figure.update_layout(showlegend=False)
    return figure


def declined_offer_reasons(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Declined offers by the reason recorded when the application ended, most frequent first."""
    figure = go.Figure(
        go.Bar(
            x=frame["offers_declined"],
            y=frame["reason"],
            orientation="h",
            name="Declined offers",
            marker_color=COLORS["muted"],
            text=frame["offers_declined"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x} declined offers<extra></extra>",
        )
    )
    _layout(figure, "Why offers were declined", subtitle, 100 + 40 * max(len(frame), 3))
    figure.update_yaxes(autorange="reversed", title_text=None)
    figure.update_xaxes(title_text="Declined offers (count)")
    _count_axis(figure, float(frame["offers_declined"].max()) if len(frame) else 1.0)
    figure.update_layout(showlegend=False)
    return figure


# --- Quality of hire ------------------------------------------------------------------------

QUALITY_COMPONENTS = (
    ("quality_of_hire_mean", "Quality of hire", COLORS["primary"]),
    ("performance_mean", "Performance", "#5b8fd9"),
    ("retention_mean", "Retention (1 year)", "#9cc0ef"),
    ("manager_satisfaction_mean", "Manager satisfaction", "#c3cad5"),
)


def _quarter_name(value: object) -> str:
    day = pd.Timestamp(value)
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def quality_by_cohort(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Mean score and each component's mean by start quarter; a young cohort reads as censored."""
    labels = [
        f"{_quarter_name(q)}<br>{int(s)} scored<br>{int(c)} censored"
        for q, s, c in zip(frame["quarter"], frame["scored_n"], frame["censored_n"], strict=True)
    ]
    figure = go.Figure()
    for column, name, color in QUALITY_COMPONENTS:
        values = frame[column].astype("Float64")
        figure.add_trace(
            go.Bar(
                x=labels,
                y=values,
                name=name,
                marker_color=color,
                text=["" if pd.isna(v) else f"{v:.0f}" for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name}: %{{y:.0f}} / 100<extra></extra>",
            )
        )
    _layout(figure, "Quality of hire by start quarter", subtitle)
    figure.update_layout(barmode="group")
    figure.update_yaxes(title_text="Score (0–100)", range=[0, 110])
    # Three short lines stay level at any width (a slide's larger type slanted one long line).
    figure.update_xaxes(title_text="Start quarter (hires scored, still censored)", tickangle=0)
    return figure


def quality_by_department(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """The quarter's mean score and components per department, the organization first."""
    labels = [
        f"{d} ({int(s)} scored)"
        for d, s in zip(frame["department"], frame["scored_n"], strict=True)
    ]
    figure = go.Figure()
    for column, name, color in QUALITY_COMPONENTS:
        values = frame[column].astype("Float64")
        figure.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=name,
                marker_color=color,
                hovertemplate=f"%{{y}}: {name} %{{x:.0f}} / 100<extra></extra>",
            )
        )
    _layout(figure, "Quality of hire by department", subtitle, 140 + 70 * max(len(frame), 2))
    figure.update_layout(barmode="group")
    figure.update_yaxes(autorange="reversed", title_text=None)
    figure.update_xaxes(title_text="Score (0–100)", range=[0, 100])
    return figure


def retention_by_cohort(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """90-day and 1-year retention by start quarter, each over the hires whose window is over."""
    quarters = [_quarter_name(q) for q in frame["quarter"]]
    figure = go.Figure()
    for column, n_column, name, color, dash in (
        (
            "retention_90d_rate",
            "retention_90d_known_n",
            "90-day retention",
            COLORS["primary"],
            None,
        ),
        ("retention_365d_rate", "retention_n", "1-year retention", COLORS["secondary"], "dash"),
    ):
        rate = frame[column].astype("Float64") * 100
        figure.add_trace(
            go.Scatter(
                x=quarters,
                y=rate,
                customdata=frame[n_column],
                name=name,
                mode="lines+markers",
                line={"color": color, "width": 3, "dash": dash},
                marker={"size": 9},
                connectgaps=False,
                hovertemplate=f"{name}: %{{y:.0f}}% of %{{customdata}} hires<extra></extra>",
            )
        )
    _layout(figure, "Retention by start quarter", subtitle)
    figure.update_yaxes(title_text="Still employed (%)", range=[0, 105])
    figure.update_xaxes(title_text="Start quarter (a gap: nobody's window is over yet)")
    figure.update_layout(hovermode="x unified")
    return figure


def censored_by_cohort(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Hires per start quarter with a score beside those whose score can still become known."""
    quarters = [_quarter_name(q) for q in frame["quarter"]]
    figure = go.Figure()
    for column, name, color in (
        ("scored_n", "Scored", COLORS["primary"]),
        ("censored_n", "Censored (too early to score)", COLORS["pending"]),
    ):
        figure.add_trace(
            go.Bar(
                x=quarters,
                y=frame[column],
                name=name,
                marker_color=color,
                text=frame[column],
                textposition="inside",
                hovertemplate=f"{name}: %{{y}} hires<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=quarters,
            y=frame["hires_n"],
            name="Hires who started",
            mode="markers+text",
            marker={"symbol": "line-ew-open", "size": 26, "color": COLORS["text"]},
            marker_line_width=2,
            text=[f"{int(n)} hires" for n in frame["hires_n"]],
            textposition="top center",
            cliponaxis=False,
            hovertemplate="%{y} hires started<extra></extra>",
        )
    )
    _layout(figure, "Scored and censored hires by start quarter", subtitle)
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text="Hires (count)", tickformat=",d", rangemode="tozero")
    figure.update_xaxes(title_text="Start quarter")
    return figure


def quality_distribution(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """How scored hires spread over the 0–100 scale, in bands of 10 points."""
    figure = go.Figure(
        go.Histogram(
            x=frame["quality_of_hire"],
            xbins={"start": 0, "end": 100.0001, "size": 10},
            name="Hires scored",
            marker_color=COLORS["primary"],
            marker_line={"color": "white", "width": 1},
            hovertemplate="Score %{x}: %{y} hires<extra></extra>",
        )
    )
    _layout(figure, "Distribution of quality of hire", subtitle)
    figure.update_xaxes(title_text="Quality of hire (0–100)", range=[0, 100], dtick=10)
    figure.update_yaxes(title_text="Hires (count)", tickformat=",d", rangemode="tozero")
    figure.update_layout(showlegend=False)
    return figure


# --- Candidate experience ------------------------------------------------------------------

SUPPRESSED_COLOR = "#9ca3af"


def _suppressed_text(row: pd.Series) -> str:
    if bool(row.get("is_suppressed")) and not bool(row.get("is_complementary_suppressed")):
        return formats.fewer_than(row.get("min_group_size"), "responses")
    if bool(row.get("is_suppressed")):
        # Enough responses, hidden so a smaller group cannot be worked out from the total.
        return "hidden to protect a smaller group"
    return ""


def candidate_nps_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Monthly NPS (-100 to +100) with the response rate behind it; small months say so."""
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    rate = frame["response_rate"].astype("Float64") * 100
    figure.add_trace(
        go.Bar(
            x=frame["month"],
            y=rate,
            name="Response rate",
            marker_color=COLORS["secondary"],
            opacity=0.45,
            customdata=frame["surveys_sent_n"],
            hovertemplate="Response rate: %{y:.0f}% of %{customdata} surveys<extra></extra>",
        ),
        secondary_y=True,
    )
    values = frame["nps"].astype("Float64")
    notes = [_suppressed_text(row) for _, row in frame.iterrows()]
    figure.add_trace(
        go.Scatter(
            x=frame["month"],
            y=values,
            customdata=frame["responses_n"],
            name="Candidate NPS",
            mode="lines+markers+text",
            text=["" if pd.isna(v) else formats.nps(float(v)) for v in values],
            textposition="top center",
            cliponaxis=False,
            line={"color": COLORS["primary"], "width": 3},
            marker={"size": 8},
            hovertemplate="NPS %{y:+.0f} (%{customdata} responses)<extra></extra>",
        ),
        secondary_y=False,
    )
    hidden = [(month, note) for month, note in zip(frame["month"], notes, strict=True) if note]
    if hidden:
        figure.add_trace(
            go.Scatter(
                x=[month for month, _ in hidden],
                y=[0] * len(hidden),
                name="Not shown",
                mode="markers+text",
                marker={"symbol": "circle-open", "size": 10, "color": SUPPRESSED_COLOR},
                text=[note for _, note in hidden],
                textposition="bottom center",
                textfont={"color": SUPPRESSED_COLOR, "size": 11},
                hovertemplate="%{text}<extra></extra>",
            ),
            secondary_y=False,
        )
    _layout(figure, "Candidate NPS by month", subtitle)
    _month_axis(
        figure, "Month of the response (response rate: month the survey was sent)", frame["month"]
    )
    figure.update_yaxes(
        title_text="NPS (−100 to +100)", range=[-105, 105], zeroline=True, secondary_y=False
    )
    figure.update_yaxes(
        title_text="Response rate (%)",
        range=[0, 100],
        showgrid=False,
        tickmode="auto",
        secondary_y=True,
    )
    figure.update_layout(hovermode="x unified")
    return figure


def _nps_by(frame: pd.DataFrame, title: str, subtitle: str, label) -> go.Figure:
    values = frame["nps"].astype("Float64")
    labels = [label(value) for value in frame["cut_value"]]
    notes = [_suppressed_text(row) for _, row in frame.iterrows()]
    figure = go.Figure(
        go.Bar(
            # A suppressed cell has no value: a zero-length bar carries its note instead.
            x=values.fillna(0),
            y=labels,
            orientation="h",
            name="Candidate NPS",
            marker_color=[
                SUPPRESSED_COLOR if pd.isna(v) else COLORS["primary"] if v >= 0 else "#b45309"
                for v in values
            ],
            customdata=frame["responses_n"],
            text=[
                note if note else f"{formats.nps(float(v))}  ({int(n)} responses)"
                for v, n, note in zip(values, frame["responses_n"], notes, strict=True)
            ],
            # A suppressed cell's note is drawn by the trace below, right of the zero line.
            textposition=["none" if note else "outside" for note in notes],
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    hidden = [(label, note) for label, note in zip(labels, notes, strict=True) if note]
    if hidden:
        figure.add_trace(
            go.Scatter(
                x=[0] * len(hidden),
                y=[label for label, _ in hidden],
                name="Not shown",
                mode="text",
                text=[f"  {note}" for _, note in hidden],
                textposition="middle right",
                textfont={"color": SUPPRESSED_COLOR},
                hoverinfo="skip",
            )
        )
    _layout(figure, title, subtitle, 110 + 40 * max(len(frame), 3))
    figure.update_yaxes(autorange="reversed", title_text=None)
    # Room right of zero for the notes of suppressed cells.
    figure.update_xaxes(title_text="Candidate NPS (−100 to +100)", range=[-150, 190], zeroline=True)
    figure.update_layout(showlegend=False)
    return figure


def candidate_nps_by_outcome(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _nps_by(frame, "Candidate NPS by outcome", subtitle, lambda v: str(v).capitalize())


def candidate_nps_by_stage(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _nps_by(frame, "Candidate NPS by stage reached", subtitle, stage_label)


def candidate_nps_by_department(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _nps_by(frame, "Candidate NPS by department", subtitle, str)


def candidate_nps_by_manager(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _nps_by(frame, "Candidate NPS by hiring manager", subtitle, str)


# --- Hiring managers -------------------------------------------------------------------------

BETTER_FILL = "#dcfce7"  # better than the organization
WORSE_FILL = "#fee2e2"  # worse than the organization
PLAIN_FILL = "#ffffff"


def talk_share_phrase(share: float | None, who: str = "Hiring manager") -> str:
    """As the seed article says it: 'Hiring manager spoke 85% of the time'."""
    if share is None or pd.isna(share):
        return formats.MISSING
    return f"{who} spoke {share:.0%} of the time"


# Every component of the manager impact mart: (label, value, n, org value, org n,
# lower is better, how a value reads). Hires is a volume: shown, never shaded.
IMPACT_COMPONENTS = (
    ("Hires", "hires_n", None, "org_hires_n", None, None, lambda v: f"{v:.0f}"),
    (
        "Time to hire (median)",
        "time_to_hire_median_days",
        "time_to_hire_n",
        "org_time_to_hire_median_days",
        "org_time_to_hire_n",
        True,
        formats.days,
    ),
    (
        "Time to fill (median)",
        "time_to_fill_median_days",
        "time_to_fill_n",
        "org_time_to_fill_median_days",
        "org_time_to_fill_n",
        True,
        formats.days,
    ),
    (
        "Quality of hire (mean)",
        "quality_of_hire_mean",
        "quality_of_hire_n",
        "org_quality_of_hire_mean",
        "org_quality_of_hire_n",
        False,
        lambda v: f"{v:.0f} / 100",
    ),
    (
        "Candidate NPS",
        "nps",
        "nps_responses_n",
        "org_nps",
        "org_nps_responses_n",
        False,
        formats.nps,
    ),
    (
        "Offer acceptance",
        "offer_acceptance_rate",
        "offers_decided_n",
        "org_offer_acceptance_rate",
        "org_offers_decided_n",
        False,
        formats.percent,
    ),
    (
        "Own scorecards on time",
        "scorecard_on_time_rate",
        "scorecards_decided_n",
        "org_scorecard_on_time_rate",
        "org_scorecards_decided_n",
        False,
        formats.percent,
    ),
    (
        "Intake on time",
        "intake_on_time_rate",
        "intakes_decided_n",
        "org_intake_on_time_rate",
        "org_intakes_decided_n",
        False,
        formats.percent,
    ),
    (
        "Licensed at open",
        "licensed_at_open_rate",
        "jobs_opened_n",
        "org_licensed_at_open_rate",
        "org_jobs_opened_n",
        False,
        formats.percent,
    ),
    (
        "Hiring manager spoke (% of the time)",
        "talk_share_median",
        "talk_share_n",
        "org_talk_share_median",
        "org_talk_share_n",
        True,
        formats.percent,
    ),
    (
        "Retrospectives",
        "retrospective_rate",
        "retrospectives_decided_n",
        "org_retrospective_rate",
        "org_retrospectives_decided_n",
        False,
        formats.percent,
    ),
)


def present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def impact_cell(row: pd.Series, value: str, n: str | None, show, org: bool = False) -> str:
    """One component of one row as it reads: value and n, or why there is no value."""
    if value in ("nps", "org_nps") and bool(
        row.get("org_nps_is_suppressed" if org else "nps_is_suppressed")
    ):
        responses = row.get("org_nps_responses_n" if org else "nps_responses_n")
        small = present(responses)
        small = small and present(row.get("min_group_size"))
        small = small and int(responses) < int(row.get("min_group_size"))
        if small or not present(row.get("min_group_size")):
            return formats.fewer_than(row.get("min_group_size"), "responses")
        return "hidden to protect a smaller group"
    if not present(row.get(value)):
        return "no data" if n is None or not present(row.get(n)) or row.get(n) == 0 else "—"
    text = show(float(row[value]))
    if n is not None and present(row.get(n)):
        text += f"<br><span style='color:#6b7280'>n = {int(row[n])}</span>"
    return text


def _shade(mine: object, theirs: object, lower_is_better: bool | None) -> str:
    if lower_is_better is None or not present(mine) or not present(theirs) or mine == theirs:
        return PLAIN_FILL
    better = mine < theirs if lower_is_better else mine > theirs
    return BETTER_FILL if better else WORSE_FILL


def manager_impact_table(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Every component per hiring manager with its n, the organization's row first; a cell is
    shaded green where the manager does better than the organization, red where worse."""
    first = frame.iloc[0]
    names = ["<b>Organization</b>", *frame["hiring_manager"].tolist()]
    columns, fills = [names], [["#f4f6fa", *[PLAIN_FILL] * len(frame)]]
    for _label, value, n, org_value, org_n, lower, show in IMPACT_COMPONENTS:
        org_text = impact_cell(first, org_value, org_n, show, org=True)
        cells = [f"<b>{org_text}</b>"]
        shades = ["#f4f6fa"]
        for _, row in frame.iterrows():
            cells.append(impact_cell(row, value, n, show))
            shades.append(_shade(row.get(value), row.get(org_value), lower))
        columns.append(cells)
        fills.append(shades)
    headers = ["<b>Hiring manager</b>", *[f"<b>{c[0]}</b>" for c in IMPACT_COMPONENTS]]
    figure = go.Figure(
        go.Table(
            columnwidth=[2.4, 0.6, *[1] * (len(IMPACT_COMPONENTS) - 2), 1.3],
            header={
                "values": headers,
                "fill_color": "#e5e7eb",
                "align": "left",
                "font": {"size": 12, "color": COLORS["text"]},
            },
            cells={
                "values": columns,
                "fill_color": fills,
                "align": "left",
                "height": 38,
                "font": {"size": 12, "color": COLORS["text"]},
            },
            name="Manager hiring impact",
        )
    )
    _layout(figure, "Manager hiring impact", subtitle, 170 + 62 * (len(frame) + 1))
    return figure


def manager_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """One manager's quarters beside the organization's, four components in small multiples."""
    panels = (
        (
            "Time to hire (median days)",
            "time_to_hire_median_days",
            "org_time_to_hire_median_days",
            1,
        ),
        ("Quality of hire (mean, 0–100)", "quality_of_hire_mean", "org_quality_of_hire_mean", 1),
        ("Offer acceptance (%)", "offer_acceptance_rate", "org_offer_acceptance_rate", 100),
        ("Candidate NPS", "nps", "org_nps", 1),
    )
    figure = make_subplots(
        rows=2, cols=2, subplot_titles=[p[0] for p in panels], vertical_spacing=0.2
    )
    quarters = [
        f"Q{(pd.Timestamp(q).month - 1) // 3 + 1} {pd.Timestamp(q).year}"
        for q in frame["quarter_start"]
    ]
    for i, (title, mine, org, scale) in enumerate(panels):
        row, col = i // 2 + 1, i % 2 + 1
        for column, name, color, dash in (
            (mine, "This hiring manager", COLORS["primary"], "solid"),
            (org, "Organization", COLORS["muted"], "dash"),
        ):
            figure.add_trace(
                go.Scatter(
                    x=quarters,
                    y=frame[column].astype("Float64") * scale,
                    name=name,
                    legendgroup=name,
                    showlegend=i == 0,
                    mode="lines+markers",
                    line={"color": color, "width": 3, "dash": dash},
                    marker={"size": 8},
                    hovertemplate=f"{name}: %{{y:.0f}}<extra>{title}</extra>",
                ),
                row=row,
                col=col,
            )
    _layout(figure, "Hiring manager by quarter", subtitle, 640)
    # Below the panels: their titles sit where the legend would.
    figure.update_layout(legend={"y": -0.14, "yanchor": "top"})
    figure.update_annotations(font_size=14)
    figure.update_xaxes(title_text="Quarter", row=2)
    figure.update_yaxes(title_text="days", row=1, col=1, rangemode="tozero")
    figure.update_yaxes(title_text="score", row=1, col=2, range=[0, 100])
    figure.update_yaxes(title_text="%", row=2, col=1, range=[0, 105])
    figure.update_yaxes(title_text="NPS", row=2, col=2, range=[-100, 100])
    return figure


MANAGER_JOBS_SHOWN = 15


def manager_jobs(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """The manager's openings: open for how long or filled after how long, and the practices.

    Open openings come first, then the most recent; past MANAGER_JOBS_SHOWN rows a last
    row says how many more there are.
    """
    hidden = max(len(frame) - MANAGER_JOBS_SHOWN, 0)
    frame = frame.head(MANAGER_JOBS_SHOWN)

    def status(row: pd.Series) -> str:
        if row["is_open"]:
            return f"Open for {formats.days(float(row['open_age_days']))}"
        if present(row["filled_date"]):
            fill = row["time_to_fill_days"]
            after = f" after {formats.days(float(fill))}" if present(fill) else ""
            return f"Filled {formats.long_date(pd.Timestamp(row['filled_date']).date())}{after}"
        return "Closed unfilled"

    def yes_no(value: object, pending: object = False) -> str:
        if present(pending) and bool(pending):
            return "pending"
        return formats.MISSING if not present(value) else ("yes" if bool(value) else "no")

    kinds = [
        " (evergreen)" if e else " (template)" if t else ""
        for e, t in zip(frame["is_evergreen"], frame["is_template"], strict=True)
    ]
    values = [
        [f"{j}{k}" for j, k in zip(frame["job_name"], kinds, strict=True)],
        frame["department"].fillna(formats.MISSING).tolist(),
        [
            formats.long_date(pd.Timestamp(d).date()) if present(d) else formats.MISSING
            for d in frame["opened_date"]
        ],
        [status(row) for _, row in frame.iterrows()],
        [yes_no(v) for v in frame["licensed_at_open"]],
        [
            yes_no(v, p)
            for v, p in zip(frame["is_intake_on_time"], frame["is_intake_pending"], strict=True)
        ],
    ]
    figure = go.Figure(
        go.Table(
            columnwidth=[2, 1.2, 1, 1.6, 0.9, 0.9],
            header={
                "values": [
                    "<b>Job</b>",
                    "<b>Department</b>",
                    "<b>Opened</b>",
                    "<b>Status on the as-of date</b>",
                    "<b>Licensed at open</b>",
                    "<b>Intake on time</b>",
                ],
                "fill_color": "#e5e7eb",
                "align": "left",
            },
            cells={"values": values, "align": "left", "height": 28},
            name="Openings",
        )
    )
    if hidden:
        figure.data[0].cells.values = [
            [*column, f"… and {hidden} earlier" if i == 0 else ""]
            for i, column in enumerate(values)
        ]
    _layout(figure, "Their openings", subtitle, 160 + 44 * (max(len(frame), 2) + bool(hidden)))
    return figure


# --- Practices: License to Hire program -------------------------------------------------------


def _practice_rate_trend(
    frame: pd.DataFrame, title: str, subtitle: str, rate_name: str, counted: str, x_title: str
) -> go.Figure:
    """A practice's monthly rate (line, left axis) over what it counts (bars, right axis).

    `frame`: month, n (counted), yes_n, decided_n (the rate's denominator), rate (0-1).
    """
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(
        go.Bar(
            x=frame["month"],
            y=frame["n"],
            name=counted.capitalize(),
            marker_color=COLORS["muted"],
            opacity=0.55,
            hovertemplate=f"%{{y}} {counted}<extra></extra>",
        ),
        secondary_y=False,
    )
    rate = frame["rate"].astype("Float64") * 100
    figure.add_trace(
        go.Scatter(
            x=frame["month"],
            y=rate,
            customdata=list(zip(frame["yes_n"], frame["decided_n"], strict=True)),
            name=rate_name,
            mode="lines+markers+text",
            text=["" if pd.isna(v) else f"{v:.0f}%" for v in rate],
            textposition="top center",
            cliponaxis=False,
            line={"color": COLORS["primary"], "width": 3},
            marker={"size": 8},
            hovertemplate=(
                f"{rate_name}: %{{y:.0f}}% (%{{customdata[0]}} of %{{customdata[1]}})"
                "<extra></extra>"
            ),
        ),
        secondary_y=True,  # drawn above the bars; its axis is moved to the left below
    )
    _layout(figure, title, subtitle)
    _month_axis(figure, x_title, frame["month"])
    figure.update_layout(hovermode="x unified")
    figure.update_yaxes(
        title_text=f"{rate_name} (%)",
        range=[0, 115],
        side="left",
        tickmode="linear",  # its own 0-100 grid, not ticks aligned to the counts'
        tick0=0,
        dtick=20,
        showgrid=True,
        secondary_y=True,
    )
    figure.update_yaxes(
        title_text=f"{counted.capitalize()} (count)",
        showgrid=False,
        rangemode="tozero",
        tickformat=",d",
        side="right",
        secondary_y=False,
    )
    return figure


def license_coverage_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _practice_rate_trend(
        frame,
        "License to Hire coverage by month",
        subtitle,
        "Licensed at open",
        "jobs opened",
        "Month the job opened",
    )


def intake_timeliness_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _practice_rate_trend(
        frame,
        "Intake meetings on time by month",
        subtitle,
        "Intake on time",
        "jobs opened",
        "Month the job opened",
    )


def retrospectives_trend(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    return _practice_rate_trend(
        frame,
        "Hiring retrospectives by month",
        subtitle,
        "Retrospective done",
        "openings filled",
        "Month the opening was filled",
    )


def license_status(completed_at: object, expires_on: object) -> str:
    """Why a job's manager was not licensed at open: no completion before it, or an expired one."""
    if not present(completed_at):
        return "Never licensed before opening"
    if present(expires_on):
        return f"Expired on {formats.long_date(pd.Timestamp(expires_on).date())}"
    return "Not valid at opening"


UNLICENSED_ROLES_SHOWN = 25


def _table(
    figure_title: str,
    subtitle: str,
    headers: list[str],
    values: list[list],
    widths: list[float],
    hidden: int,
    row_height: int = 40,
    fills: list | None = None,
) -> go.Figure:
    """A plain table figure; past the rows shown a last row says how many more there are."""
    rows = len(values[0])
    if hidden:
        values = [
            [*column, f"… and {hidden} more" if i == 0 else ""] for i, column in enumerate(values)
        ]
    cells = {"values": values, "align": "left", "height": row_height}
    if fills is not None:
        cells["fill_color"] = fills
    figure = go.Figure(
        go.Table(
            columnwidth=widths,
            header={
                "values": [f"<b>{h}</b>" for h in headers],
                "fill_color": "#e5e7eb",
                "align": "left",
            },
            cells=cells,
            name=figure_title,
        )
    )
    # Long cells wrap to a second line: a few pixels a row keep the last row in view.
    height = 150 + (row_height + 6) * (max(rows, 2) + bool(hidden))
    _layout(figure, figure_title, subtitle, height)
    return figure


def unlicensed_roles(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Open roles whose hiring manager was not licensed at open: what an HR partner acts on."""
    hidden = max(len(frame) - UNLICENSED_ROLES_SHOWN, 0)
    frame = frame.head(UNLICENSED_ROLES_SHOWN)
    values = [
        frame["job_name"].fillna(formats.MISSING).tolist(),
        frame["department"].fillna(formats.MISSING).tolist(),
        [str(s).capitalize() for s in frame["source_system"]],
        frame["hiring_manager"].fillna("no hiring manager").tolist(),
        [formats.long_date(pd.Timestamp(d).date()) for d in frame["opened_date"]],
        [
            license_status(c, e)
            for c, e in zip(frame["license_completed_at"], frame["license_expires_on"], strict=True)
        ],
        [f"{int(n)}" for n in frame["open_openings_n"]],
    ]
    return _table(
        "Open roles whose manager was not licensed at open",
        subtitle,
        [
            "Job",
            "Department",
            "ATS",
            "Hiring manager",
            "Opened",
            "License at opening",
            "Open openings",
        ],
        values,
        [2.1, 1.3, 1.0, 2.7, 1, 1.5, 0.8],
        hidden,
    )


PRACTICE_LABELS = {
    "licensed_and_intake": "Licensed and intake on time",
    "licensed_at_open": "Licensed at open",
    "intake_on_time": "Intake on time",
    "retro_prev_fill": "Retrospective after the previous fill",
    "talk_share_ok": "Talk share within the limit",
}
OUTCOME_LABELS = {
    "time_to_fill": "Time to fill (median)",
    "time_to_hire": "Time to hire (median)",
    "quality_of_hire": "Quality of hire (mean)",
    "offer_acceptance": "Offer acceptance",
    "candidate_nps": "Candidate NPS",
}
VERDICT_FILLS = {
    "better with the practice": BETTER_FILL,
    "worse with the practice": WORSE_FILL,
    "not enough data": "#f3f4f6",
}


def _label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value.replace("_", " ").capitalize())


def program_effect(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Each practice x outcome: the mart's own sentence (values, interval, n) and its verdict."""
    practices = [_label(PRACTICE_LABELS, p) for p in frame["practice"]]
    first = [i == 0 or p != practices[i - 1] for i, p in enumerate(practices)]
    verdicts = frame["verdict"].fillna(formats.MISSING).tolist()
    values = [
        [f"<b>{p}</b>" if show else "" for p, show in zip(practices, first, strict=True)],
        [_label(OUTCOME_LABELS, o) for o in frame["outcome"]],
        frame["sentence"].fillna(formats.MISSING).tolist(),
        [v.capitalize() for v in verdicts],
    ]
    shade = [VERDICT_FILLS.get(v, PLAIN_FILL) for v in verdicts]
    fills = [[PLAIN_FILL] * len(frame), [PLAIN_FILL] * len(frame), [PLAIN_FILL] * len(frame), shade]
    return _table(
        "Do the practices pay off here?",
        subtitle,
        [
            "Practice",
            "Outcome",
            "What the comparison found (95% interval; openings with vs without)",
            "Verdict",
        ],
        values,
        [1.3, 1.1, 5, 1.2],
        0,
        row_height=56,
        fills=fills,
    )


# --- Practices: interviews -------------------------------------------------------------------

LATE_SCORECARDS_SHOWN = 20


def _rate_bars(
    frame: pd.DataFrame,
    labels: list[str],
    rate: pd.Series,
    texts: list[str],
    title: str,
    subtitle: str,
    x_title: str,
    org_rate: float | None = None,
) -> go.Figure:
    """Horizontal bars of a 0-1 rate per group, labelled with their counts; an org line."""
    values = rate.astype("Float64") * 100
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            name=x_title,
            marker_color=COLORS["primary"],
            text=[formats.MISSING if pd.isna(v) else f"{v:.0f}%" for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=texts,
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    if org_rate is not None and present(org_rate):
        figure.add_vline(
            x=float(org_rate) * 100,
            line={"color": COLORS["text"], "dash": "dash", "width": 1.5},
            annotation_text=f"Organization {float(org_rate):.0%}",
            annotation_position="top",
        )
    _layout(figure, title, subtitle, 120 + 34 * max(len(labels), 3))
    figure.update_yaxes(autorange="reversed", title_text=None)
    figure.update_xaxes(title_text=x_title, range=[0, 128])
    figure.update_layout(showlegend=False)
    return figure


def scorecards_by_team(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """On-time rate per interviewing team (the job's department), the organization first."""
    decided = frame["scorecards_expected"] - frame["scorecards_pending"]
    texts = [
        f"{int(o)} of {int(d)} on time; {int(late)} still missing"
        for o, d, late in zip(
            frame["scorecards_on_time"], decided, frame["scorecards_missing_and_late"], strict=True
        )
    ]
    return _rate_bars(
        frame,
        [f"{t} ({int(d)})" for t, d in zip(frame["department"], decided, strict=True)],
        frame["on_time_rate"],
        texts,
        "Scorecards on time by interviewing team",
        subtitle,
        "On time (%)",
    )


def scorecards_by_manager(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Each hiring manager's own scorecards on time, beside the organization's (dashed)."""
    texts = [
        f"{int(o)} of {int(d)} on time"
        for o, d in zip(frame["scorecards_on_time_n"], frame["scorecards_decided_n"], strict=True)
    ]
    org = frame["org_scorecard_on_time_rate"].dropna()
    return _rate_bars(
        frame,
        [
            f"{m} ({int(d)})"
            for m, d in zip(frame["hiring_manager"], frame["scorecards_decided_n"], strict=True)
        ],
        frame["scorecard_on_time_rate"],
        texts,
        "Hiring managers' own scorecards on time",
        subtitle,
        "On time (%)",
        org_rate=None if org.empty else float(org.iloc[0]),
    )


def late_scorecards(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Scorecards still missing past the SLA, most recent interview first (no candidate)."""
    hidden = max(len(frame) - LATE_SCORECARDS_SHOWN, 0)
    frame = frame.sort_values(["interview_end_date", "interviewer_id"], ascending=[False, True])
    frame = frame.head(LATE_SCORECARDS_SHOWN)
    values = [
        [
            f"{i} (hiring manager)" if m else str(i)
            for i, m in zip(frame["interviewer"], frame["is_hiring_manager"], strict=True)
        ],
        frame["job_name"].fillna(formats.MISSING).tolist(),
        frame["department"].fillna(formats.MISSING).tolist(),
        [str(s).capitalize() for s in frame["source_system"]],
        [formats.long_date(pd.Timestamp(d).date()) for d in frame["interview_end_date"]],
        [formats.days(float(d)) for d in frame["days_since_interview"]],
    ]
    return _table(
        "Late scorecards now",
        subtitle,
        ["Interviewer", "Job", "Interviewing team", "ATS", "Interview ended", "Waiting for"],
        values,
        [2.3, 2.6, 1.3, 0.9, 1.1, 0.9],
        hidden,
    )


TALK_SHARE_BIN = 10  # percentage points per bar


def talk_share_distribution(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Interviews by how much of the talk time the hiring manager took, in 10-point bins;
    interviews above the talk-share limit (the mart's flag) in the warm colour."""
    figure = go.Figure()
    for flagged, name, color in (
        (False, "Within the limit", COLORS["primary"]),
        (True, "Above the limit", COLORS["pending"]),
    ):
        rows = frame[frame["is_talk_share_flagged"].astype(bool) == flagged]
        figure.add_trace(
            go.Histogram(
                x=rows["hiring_manager_talk_share"].astype(float) * 100,
                name=name,
                marker_color=color,
                xbins={"start": 0, "end": 100, "size": TALK_SHARE_BIN},
                hovertemplate="Hiring manager spoke %{x} of the time: %{y} interviews"
                "<extra></extra>",
            )
        )
    _layout(figure, "How much hiring managers talk in interviews", subtitle)
    figure.update_layout(barmode="stack", bargap=0.08, legend_traceorder="normal")
    figure.update_xaxes(
        title_text="Hiring manager's share of the talk time (%)",
        range=[0, 101],
        tick0=0,
        dtick=TALK_SHARE_BIN,
        ticksuffix="%",
    )
    figure.update_yaxes(title_text="Interviews (count)", tickformat=",d", rangemode="tozero")
    if len(frame) <= 10:  # a handful of interviews: one tick per interview, never "0, 0, 1, 1"
        figure.update_yaxes(tick0=0, dtick=1)
    return figure


def reschedules_by_ats(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Reschedule rate per ATS; an ATS that does not record them says so instead of 0%."""
    recorded = frame["reschedules_recorded"].astype(bool)
    rate = frame["reschedule_rate"].astype("Float64").where(recorded) * 100
    labels = [str(s).capitalize() for s in frame["source_system"]]
    texts = [
        f"{r:.0f}%  ({int(k)} of {int(n)} interviews)"
        if rec and present(r)
        else f"not recorded ({int(n)} interviews scheduled)"
        for r, k, n, rec in zip(
            rate,
            frame["interviews_rescheduled"].fillna(0),
            frame["interviews_scheduled"],
            recorded,
            strict=True,
        )
    ]
    figure = go.Figure(
        go.Bar(
            x=rate.fillna(0),
            y=labels,
            orientation="h",
            name="Rescheduled at least once",
            marker_color=[COLORS["primary"] if r else SUPPRESSED_COLOR for r in recorded],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    _layout(figure, "Interviews rescheduled by ATS", subtitle, 150 + 44 * max(len(frame), 2))
    figure.update_yaxes(autorange="reversed", title_text=None)
    if recorded.any():
        figure.update_xaxes(title_text="Rescheduled at least once (%)", range=[0, 130])
    else:  # nothing to measure: no empty 0-100 scale under the notes
        figure.update_xaxes(
            title_text="Reschedule rate: not recorded by these ATSs",
            range=[0, 130],
            showticklabels=False,
            showgrid=False,
        )
    figure.update_layout(showlegend=False)
    return figure


# --- Fairness --------------------------------------------------------------------------------

FOUR_FIFTHS = 0.8  # the flag the mart sets (is_flagged); used here only to place the colours
FLAG_FILL = "#fca5a5"  # under four-fifths of the highest group's rate
NEAR_FILL = "#e5e7eb"  # four-fifths or more, below the highest
TOP_FILL = "#bfdbfe"  # at or above the highest group's rate
HIDDEN_FILL = "#f8fafc"  # suppressed: no value to colour
RATIO_TOP = 1.25  # the colour scale's end: higher ratios look the same


def transition_label(transition: str) -> str:
    return "Overall: applied → hired" if transition == "overall" else stage_label(transition)


def group_label(group: str) -> str:
    """Long self-identification answers wrap so a row label stays readable."""
    words, lines, line = str(group).split(), [], ""
    for word in words:
        if line and len(line) + len(word) > 28:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def selection_hidden_text(row: pd.Series) -> str:
    """A suppressed cell's note: too few applicants, or hidden so a smaller group is."""
    if row.get("suppression_reason") == "complementary":
        return "hidden to protect a smaller group"
    return formats.fewer_than(row.get("min_group_size"), "applicants")


def _wrapped(text: str) -> str:
    """A note broken over two lines, to fit a grid cell."""
    words = text.split()
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def _selection_cell(row: pd.Series) -> tuple[str, str]:
    """(text in the cell, hover text) of one transition x group."""
    flag = " ⚑" if present(row["is_flagged"]) and bool(row["is_flagged"]) else ""
    p = formats.p_value(row["fisher_p_value"]) if present(row["fisher_p_value"]) else ""
    if bool(row["is_suppressed"]):
        hidden = selection_hidden_text(row)
        tested = f"<br>flagged on the full data, {p}" if flag else ""
        return f"{_wrapped(hidden)}{flag}", f"{hidden}{tested}"
    if not present(row["selection_rate"]):
        return "no decisions", "no applicant was decided at this stage"
    rate = formats.percent(float(row["selection_rate"]))
    if row["group_name"] == row["highest_group"]:
        return f"{rate}<br>reference", f"{rate} selected: the highest group's rate (reference)"
    if not present(row["impact_ratio"]):
        return rate, f"{rate} selected; no group large enough to compare with"
    ratio = float(row["impact_ratio"])
    shortfall = float(row["shortfall"]) if present(row["shortfall"]) else 0.0
    detail = (
        f"{rate} selected of {int(row['applicants_n']):,} · impact ratio {ratio:.2f}"
        f"<br>vs {row['highest_group']} · {p} · shortfall {shortfall:+.0f}"
    )
    if row["group_name"] == "Not disclosed":
        detail += "<br>non-response: shown, never flagged"
    return f"{ratio:.2f}{flag}<br>{rate}", detail


def _impact_colour(ratio: float) -> float:
    return min(max(ratio, 0.0), RATIO_TOP) / RATIO_TOP


def impact_ratio_grid(frame: pd.DataFrame, subtitle: str, dimension_name: str) -> go.Figure:
    """Impact ratio (and selection rate) of every group at every stage transition.

    Red under four-fifths of the highest group's rate, grey below it, blue at or
    above it; ⚑ marks the mart's flag. Suppressed cells carry their note instead.
    """
    transitions = frame.sort_values("transition_order")["transition"].drop_duplicates().tolist()
    groups = frame["group_name"].drop_duplicates().tolist()
    x = [transition_label(t) for t in transitions]
    y = [group_label(g) for g in groups]
    cells = frame.set_index(["group_name", "transition"], drop=False)
    z, texts, hovers = [], [], []
    for group in groups:
        z_row, text_row, hover_row = [], [], []
        for transition in transitions:
            row = cells.loc[(group, transition)] if (group, transition) in cells.index else None
            if row is None:
                z_row.append(None)
                text_row.append("")
                hover_row.append("")
                continue
            text, hover = _selection_cell(row)
            hidden = bool(row["is_suppressed"]) or not present(row["impact_ratio"])
            z_row.append(None if hidden else _impact_colour(float(row["impact_ratio"])))
            text_row.append(text)
            hover_row.append(f"<b>{group}</b> · {transition_label(transition)}<br>{hover}")
        z.append(z_row)
        texts.append(text_row)
        hovers.append(hover_row)
    cut = FOUR_FIFTHS / RATIO_TOP
    figure = go.Figure(
        go.Heatmap(
            x=x,
            y=y,
            z=z,
            zmin=0,
            zmax=1,
            colorscale=[
                [0, "#f87171"],
                [cut - 0.001, FLAG_FILL],
                [cut, NEAR_FILL],
                [1 / RATIO_TOP - 0.001, NEAR_FILL],
                [1 / RATIO_TOP, TOP_FILL],
                [1, TOP_FILL],
            ],
            showscale=False,
            xgap=2,
            ygap=2,
            name="Impact ratio",
            text=texts,
            texttemplate="%{text}",
            textfont={"size": 11, "color": COLORS["text"]},
            hovertext=hovers,
            hoverinfo="text",
        )
    )
    _layout(
        figure,
        f"Impact ratio by stage · {dimension_name}",
        subtitle,
        140 + 46 * max(len(groups), 3) + (12 * sum("<br>" in label for label in y)),
    )
    figure.update_layout(plot_bgcolor=HIDDEN_FILL, showlegend=False)
    # Stages read left to right along the top; the subtitle says what a cell holds.
    figure.update_xaxes(title_text=None, side="top")
    figure.update_yaxes(title_text=None, autorange="reversed")
    return figure


def flagged_groups_table(frame: pd.DataFrame, subtitle: str, dimension_name: str) -> go.Figure:
    """Every group under four-fifths of the highest group's rate, with Fisher's p and shortfall."""
    flagged = frame[frame["is_flagged"].fillna(False).astype(bool)]
    title = f"Groups under four-fifths · {dimension_name}"
    if flagged.empty:
        values = [["No group is under four-fifths of the highest group's rate at any stage."]]
        headers, widths = ["<b>Groups flagged</b>"], [1]
    else:
        shown = ~flagged["is_suppressed"].astype(bool)
        hidden = [selection_hidden_text(row) for _, row in flagged.iterrows()]

        def rate_text(row: pd.Series) -> str:
            rate = formats.percent(float(row["selection_rate"]))
            top = row["highest_rate"]
            reference = formats.percent(float(top)) if present(top) else formats.MISSING
            return f"{rate} vs {reference} ({row['highest_group']})"

        values = [
            [transition_label(t) for t in flagged["transition"]],
            flagged["group_name"].tolist(),
            [
                f"{int(n):,}" if ok else note
                for n, ok, note in zip(flagged["applicants_n"], shown, hidden, strict=True)
            ],
            [
                rate_text(row) if ok else note
                for (_, row), ok, note in zip(flagged.iterrows(), shown, hidden, strict=True)
            ],
            [
                f"{float(r):.2f}" if ok else formats.MISSING
                for r, ok in zip(flagged["impact_ratio"], shown, strict=True)
            ],
            [formats.p_value(p) for p in flagged["fisher_p_value"]],
            [
                f"{float(s):.0f} fewer selected" if ok else formats.MISSING
                for s, ok in zip(flagged["shortfall"], shown, strict=True)
            ],
        ]
        headers = [
            "<b>Stage</b>",
            "<b>Group</b>",
            "<b>Applicants</b>",
            "<b>Selection rate vs highest group</b>",
            "<b>Impact ratio</b>",
            "<b>Fisher's exact test</b>",
            "<b>Shortfall</b>",
        ]
        widths = [1.2, 1.8, 0.8, 2, 0.7, 0.9, 1]
    figure = go.Figure(
        go.Table(
            columnwidth=widths,
            header={"values": headers, "fill_color": "#e5e7eb", "align": "left"},
            cells={"values": values, "align": "left", "height": 40},
            name="Groups flagged",
        )
    )
    # Rows wrap to two lines (long group names, hidden notes): room for both.
    _layout(figure, title, subtitle, 160 + 46 * max(len(flagged), 1))
    return figure


# --- Data health -----------------------------------------------------------------------------

STATUS_COLORS = {
    "pass": "#16a34a",
    "warn": COLORS["pending"],
    "fail": "#dc2626",
    "error": "#dc2626",
    "skipped": COLORS["muted"],
}
SOURCE_COLORS = {"greenhouse": "#1f5fbf", "lever": "#e08a1e", "ats_csv": "#7c3aed"}
OTHER_SOURCE_COLOR = "#6b7280"  # the HR files, and any source without a colour of its own


def _refresh_label(at: object) -> str:
    moment = pd.Timestamp(at)
    return f"{moment.day} {moment:%b %Y}<br>{moment:%H:%M} UTC"


def refresh_history(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Rows loaded and quarantined by each refresh; a failed refresh is marked in red."""
    labels = [_refresh_label(at) for at in frame["refreshed_at"]]
    failed = frame["outcome"] == "failed"
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=labels,
            y=frame["rows_loaded"],
            name="Rows loaded",
            marker_color=[STATUS_COLORS["fail"] if f else COLORS["primary"] for f in failed],
            customdata=list(
                zip(
                    frame["outcome"],
                    frame["files_loaded"],
                    [
                        formats.long_date(pd.Timestamp(d).date()) if present(d) else "—"
                        for d in frame["as_of_date"]
                    ],
                    strict=True,
                )
            ),
            text=[
                f"{int(n):,}" + (" (failed)" if f else "")
                for n, f in zip(frame["rows_loaded"], failed, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=(
                "%{x}: %{customdata[0]}<br>%{y:,} rows loaded from %{customdata[1]} files"
                "<br>as of %{customdata[2]}<extra></extra>"
            ),
        )
    )
    figure.add_trace(
        go.Bar(
            x=labels,
            y=frame["rows_quarantined"],
            name="Rows quarantined",
            marker_color=COLORS["pending"],
            hovertemplate="%{x}: %{y:,} rows quarantined<extra></extra>",
        )
    )
    _layout(figure, "Refresh history", subtitle)
    figure.update_layout(bargap=0.3 if len(frame) > 3 else 0.75)  # one refresh: not a slab
    figure.update_xaxes(title_text="Refresh (UTC)", type="category")
    top = float(frame["rows_loaded"].max()) if len(frame) else 1.0
    figure.update_yaxes(title_text="Rows (count)", range=[0, max(top, 1) * 1.2], tickformat=",d")
    return figure


def rows_by_file(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Rows loaded from each file behind the snapshot, coloured by where it came from."""
    figure = go.Figure()
    for source, rows in frame.groupby("source_system", sort=True):
        figure.add_trace(
            go.Bar(
                x=rows["rows_loaded"],
                y=rows["file"],
                orientation="h",
                name=formats.source_name(str(source)),
                marker_color=SOURCE_COLORS.get(str(source), OTHER_SOURCE_COLOR),
                customdata=list(
                    zip(
                        rows["rows_quarantined"],
                        [
                            "this refresh" if t else "unchanged since"
                            for t in rows["loaded_this_refresh"]
                        ],
                        [formats.long_date(pd.Timestamp(at).date()) for at in rows["loaded_at"]],
                        strict=True,
                    )
                ),
                text=[
                    f"{int(n):,}" + (f" · {int(q):,} quarantined" if q else "")
                    for n, q in zip(rows["rows_loaded"], rows["rows_quarantined"], strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=(
                    "%{y}: %{x:,} rows loaded, %{customdata[0]:,} quarantined"
                    "<br>loaded %{customdata[1]} %{customdata[2]}<extra></extra>"
                ),
            )
        )
    _layout(figure, "Rows loaded by file", subtitle, 110 + 22 * max(len(frame), 4))
    order = frame.sort_values(["source_system", "file"])["file"].tolist()
    figure.update_yaxes(
        title_text=None, categoryorder="array", categoryarray=order, autorange="reversed"
    )
    top = float(frame["rows_loaded"].max()) if len(frame) else 1.0
    figure.update_xaxes(
        title_text="Rows loaded (count)", range=[0, max(top, 1) * 1.35], tickformat=",d"
    )
    return figure


def quarantine_by_reason(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """Quarantined rows per file, stacked by field and reason: counts, never the values."""
    figure = go.Figure()
    reasons = frame.groupby(["field", "reason_code"], as_index=False)["rows"].sum()
    reasons = reasons.sort_values("rows", ascending=False)
    for i, (field_name, reason) in enumerate(
        zip(reasons["field"], reasons["reason_code"], strict=True)
    ):
        rows = frame[(frame["field"] == field_name) & (frame["reason_code"] == reason)]
        rows = rows.groupby("file", as_index=False).agg(
            rows=("rows", "sum"), action=("action", "first")
        )
        name = f"{field_name}: {str(reason).replace('_', ' ')}"
        figure.add_trace(
            go.Bar(
                x=rows["rows"],
                y=rows["file"],
                orientation="h",
                name=name,
                marker_color=AGE_BAND_COLORS[i % len(AGE_BAND_COLORS)],
                customdata=rows["action"],
                hovertemplate=f"%{{y}}: %{{x:,}} rows, {name} (%{{customdata}})<extra></extra>",
            )
        )
    files = frame["file"].nunique()
    _layout(figure, "Quarantined rows by file and reason", subtitle, 140 + 40 * max(files, 3))
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text=None, autorange="reversed")
    totals = frame.groupby("file")["rows"].sum()
    figure.update_xaxes(title_text="Rows (count)", tickformat=",d")
    _count_axis(figure, float(totals.max()) if len(totals) else 1.0)
    return figure


CHECK_TYPES = {
    "dbt test": "dbt data tests",
    "validation": "File validation<br>(Great Expectations)",
}
STATUS_ORDER = ("pass", "warn", "fail", "error", "skipped")


def check_results(frame: pd.DataFrame, subtitle: str) -> go.Figure:
    """How many checks of each kind passed, warned and failed in the refresh."""
    counts = frame.groupby(["check_type", "status"]).size()
    kinds = [k for k in CHECK_TYPES if k in set(frame["check_type"])]
    kinds += sorted(set(frame["check_type"]) - set(kinds))
    labels = [CHECK_TYPES.get(k, k) for k in kinds]
    figure = go.Figure()
    for status in [s for s in STATUS_ORDER if s in set(frame["status"])]:
        values = [int(counts.get((kind, status), 0)) for kind in kinds]
        figure.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=status.capitalize(),
                marker_color=STATUS_COLORS.get(status, COLORS["muted"]),
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                hovertemplate=f"%{{y}}: %{{x}} {status}<extra></extra>",
            )
        )
    _layout(figure, "Checks of the refresh", subtitle, 220)
    figure.update_layout(barmode="stack", legend_traceorder="normal", showlegend=True)
    figure.update_yaxes(title_text=None, autorange="reversed")
    figure.update_xaxes(title_text="Checks (count)", tickformat=",d")
    return figure


def selection_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The selection-rate rows as a reader's table: stage and group named, a note where the
    values are hidden or there is nothing to compare."""
    notes = []
    for _, row in frame.iterrows():
        if bool(row["is_suppressed"]):
            notes.append(selection_hidden_text(row))
        elif row["group_name"] == row["highest_group"]:
            notes.append("reference: the highest rate")
        elif row["group_name"] == "Not disclosed":
            notes.append("non-response: compared, never flagged")
        else:
            notes.append("")
    return frame.assign(
        stage=[transition_label(t) for t in frame["transition"]],
        selection_percent=frame["selection_rate"].astype("Float64") * 100,
        flagged=frame["is_flagged"].astype("boolean"),
        note=notes,
    )
