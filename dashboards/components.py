"""Page parts every page shares: a KPI tile, a chart from its spec or a note saying why not.

Each takes what it shows as arguments (never a page's globals), so a page is a
list of calls and two pages showing the same chart show it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from dashboards import data, deck, export, formats, notices
from dashboards.chart_specs import ChartSpec
from dashboards.queries import NpsQuarter, QuarterOverQuarter
from dashboards.scope import Scope


def quarter_tile(
    label: str,
    kpi: QuarterOverQuarter,
    show: Callable[[float | None], str],
    show_change: Callable[[float], str],
    counted: tuple[str, str],
    help_text: str,
    lower_is_better: bool,
    scope: Scope,
) -> None:
    """The quarter's value, its change since the previous quarter, and what it counts.

    `counted` names what the value is computed over, singular and plural;
    `help_text` is the metric's description (data.metric_help), behind the (?) icon.
    """
    quarter, previous = scope.quarter_name, scope.previous_quarter_name
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


def unavailable_tile(label: str, reason: str, help_text: str) -> None:
    """A tile whose table is not cut as the filters ask: a dash and why, never a wrong number."""
    with st.container(border=True):
        st.metric(label, formats.MISSING, help=help_text)
        st.caption(reason)


def chart(spec: ChartSpec, scope: Scope, describe: bool = True) -> None:
    """The chart and its takeaway, or a note saying why there is nothing to plot.

    A chart never shows numbers for a scope its tables cannot answer (a hiring
    manager on a KPI cut by department only) and never an empty axis.
    `describe` adds the metric's description beneath (off where a tile explains it).
    """
    if spec.unsupported(scope):
        notices.no_data(spec.title, spec.unsupported_reason(scope))
    else:
        frame = data.fetch(spec.query, scope)
        if frame.empty:
            notices.no_data(spec.title, spec.empty_reason(scope))
        else:
            figure = spec.figure(frame, spec.subtitle(scope))
            st.plotly_chart(figure, config={"displaylogo": False}, key=f"chart-{spec.id}")
            takeaway = spec.takeaway(frame, scope)
            if takeaway:
                st.markdown(f"**{takeaway}**")
            image_downloads(spec, scope, figure)
    if describe and spec.metric is not None:
        description(data.metric_help(spec.metric))


def image_downloads(spec: ChartSpec, scope: Scope, figure: go.Figure) -> None:
    """PNG and SVG buttons for the figure just drawn, rendered by the server only on a click.

    The callables keep the figure itself, so the file is exactly what the page shows
    (at 16:9 and projector type sizes, `dashboards.export`), and drawing the page costs
    nothing extra. `on_click="ignore"`: downloading does not rerun the page.
    """
    with st.container(horizontal=True, gap="small"):
        for image_format in export.MIME_TYPES:
            st.download_button(
                image_format.upper(),
                data=partial(export.image, figure, image_format),
                file_name=export.file_name(spec, scope, image_format),
                mime=export.MIME_TYPES[image_format],
                key=f"{image_format}-{spec.id}",
                icon=":material/download:",
                on_click="ignore",
                type="tertiary",
                help=f"Download this chart as {image_format.upper()}, 16:9, sized for slides",
            )


def deck_download(scope: Scope) -> None:
    """'Export deck': the all-hands PPTX for the current filters, built only on a click."""
    scope = replace(scope, hiring_manager=data.ALL_MANAGERS)  # the deck is the organization's
    run = data.uncached_runner()
    company = deck.company_name(None, data.published_folder_name())

    def build() -> bytes:
        # Queries under the shared connection; the slow chart rendering outside its lock.
        return deck.to_pptx(run(deck.collect, scope, company))

    st.download_button(
        "Export deck",
        data=build,
        file_name=deck.file_name(scope),
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="export-deck",
        icon=":material/slideshow:",
        on_click="ignore",
        width="stretch",
        help="A 16:9 PowerPoint deck of the headline charts for these filters, with each"
        " takeaway as the slide's headline and the metric definitions in the speaker notes."
        " Takes a few seconds. The hiring manager filter does not apply to the deck.",
    )


LONG_DESCRIPTION = 600  # characters: longer descriptions fold away under their title


def description(help_text: str) -> None:
    """A metric's description beneath its chart; a long one (a mart's choices) folds away."""
    if len(help_text) <= LONG_DESCRIPTION:
        st.caption(help_text)
    else:
        with st.expander("How these numbers are defined"):
            st.markdown(help_text)


def versus_org_tile(
    label: str,
    value: str,
    difference: str | None,
    lower_is_better: bool,
    caption: str,
    help_text: str,
) -> None:
    """A manager's value with its difference from the organization's as the delta."""
    with st.container(border=True):
        st.metric(
            label,
            value,
            difference,
            "inverse" if lower_is_better else "normal",
            help=help_text,
            delta_description="vs organization" if difference else None,
        )
        st.caption(caption)


def nps_tile(nps: NpsQuarter, min_size: int | None, help_text: str, scope: Scope) -> None:
    """Candidate NPS of the quarter, or 'fewer than N responses' when the cell is suppressed."""
    with st.container(border=True):
        if nps.suppressed:
            st.metric("Candidate NPS", formats.fewer_than(min_size, "responses"), help=help_text)
            st.caption(f"{scope.quarter_name}: too few responses to show a score")
            return
        st.metric(
            "Candidate NPS",
            formats.nps(nps.current),
            None if nps.change is None else f"{nps.change:+.0f} points",
            help=help_text,
            delta_description=f"vs {scope.previous_quarter_name}"
            if nps.change is not None
            else None,
        )
        responses = formats.count(nps.responses_n, "response", "responses")
        st.caption(f"{responses} in {scope.quarter_name}")


def table(frame, columns: dict[str, object], empty_note: str | None = None) -> None:
    """A published table as it is, columns renamed for readers: `columns` maps each shown
    column to its st.column_config (or a plain label). Without rows, `empty_note` instead."""
    if frame.empty:
        if empty_note:
            st.caption(empty_note)
        return
    st.dataframe(
        frame[list(columns)],
        column_config=columns,
        hide_index=True,
        width="stretch",
    )
