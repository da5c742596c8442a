"""Charts as image files: the figure the page shows, at 16:9 and in type a projector carries.

The PNG / SVG downloads and the deck both render here, from a `ChartSpec`'s figure,
so a chart looks the same in the app, in a download and on a slide. kaleido draws
with the system's Chromium; starting a browser costs seconds, so one browser serves
the whole process (kaleido's sync server) and renders go through it one at a time.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import duckdb
import kaleido
import plotly.graph_objects as go

from dashboards.chart_specs import ChartSpec
from dashboards.periods import quarter_code
from dashboards.scope import Scope

WIDTH, HEIGHT = 1600, 900  # 16:9, the shape of a slide and a projector
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml"}

# Type sizes for a room, not a laptop: the page's 13 px body becomes 26 px at 1600 wide.
PROJECTOR_FONT = 26
PROJECTOR_TITLE = 38
# Room above the plot for the title, its subtitle and the legend: kaleido's single static
# pass does not grow the margin for them as the browser's automargin does.
PROJECTOR_TOP = 190
PROJECTOR_TABLE_FONT = 20
PROJECTOR_LINE_WIDTH = 4

_renders = threading.Lock()  # kaleido's server answers one request at a time, in order


class ExportError(RuntimeError):
    """A chart could not be rendered to an image (no browser, a renderer failure)."""


def for_projector(figure: go.Figure) -> go.Figure:
    """A copy of the page's figure, sized 16:9 with type large enough for the back row.

    The one place export styling is defined; the figure on the page is left as it is.
    """
    exported = go.Figure(figure)
    exported.update_layout(
        width=WIDTH,
        height=HEIGHT,
        font_size=PROJECTOR_FONT,
        title_font_size=PROJECTOR_TITLE,
        legend_font_size=PROJECTOR_FONT,
        hoverlabel_font_size=PROJECTOR_FONT,
        title_pad={"l": 30, "b": PROJECTOR_FONT * 3},  # the legend's band, grown with it
        margin={"l": 30, "r": 40, "t": PROJECTOR_TOP, "b": 30},
    )
    exported.update_annotations(font_size=PROJECTOR_FONT)
    exported.update_traces(line_width=PROJECTOR_LINE_WIDTH, selector={"type": "scatter"})
    exported.update_traces(
        header_font_size=PROJECTOR_TABLE_FONT,
        cells_font_size=PROJECTOR_TABLE_FONT,
        header_height=PROJECTOR_TABLE_FONT * 2,
        cells_height=PROJECTOR_TABLE_FONT * 2,
        selector={"type": "table"},
    )
    for trace in exported.data:  # text printed on bars and markers grows with the rest
        if "textfont" in trace and trace.type != "table":
            trace.textfont.size = PROJECTOR_FONT
    return exported


def _browser_path() -> str | None:
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=False)


def render(figures: Sequence[go.Figure], image_format: str) -> list[bytes]:
    """Each figure as `png` or `svg` bytes, through the process's one kaleido browser."""
    if image_format not in MIME_TYPES:
        raise ValueError(f"image format {image_format!r}: choose one of {', '.join(MIME_TYPES)}")
    if not figures:
        return []
    with _renders:
        # Checked first: kaleido's server waits forever on a browser that never started.
        if _browser_path() is None:
            raise ExportError(
                "chart images need Chromium: install Debian's `chromium` package"
                " (or set BROWSER_PATH to a Chrome or Chromium executable)"
            )
        kaleido.start_sync_server(silence_warnings=True)
        options = {"format": image_format, "width": WIDTH, "height": HEIGHT, "scale": 1}
        try:
            return [
                kaleido.calc_fig_sync(for_projector(figure).to_dict(), opts=options)
                for figure in figures
            ]
        except Exception as error:  # a renderer failure names itself; the caller says which chart
            message = f"rendering a chart as {image_format.upper()} failed: {error}"
            raise ExportError(message) from error


def shutdown() -> None:
    """Stop the process's browser (a command line run, once its images are drawn)."""
    with _renders:
        kaleido.stop_sync_server(silence_warnings=True)


def image(figure: go.Figure, image_format: str) -> bytes:
    """One figure as `png` or `svg` bytes."""
    return render([figure], image_format)[0]


def chart_image(
    connection: duckdb.DuckDBPyConnection, spec: ChartSpec, scope: Scope, image_format: str
) -> bytes | None:
    """The spec's chart for the scope as an image; None when the page would show a note instead."""
    figure = spec.build(connection, scope)
    return None if figure is None else image(figure, image_format)


def file_name(spec: ChartSpec, scope: Scope, image_format: str) -> str:
    """'time_to_hire_trend-2026Q3.png': the chart and the quarter it shows."""
    return f"{spec.id}-{quarter_code(scope.quarter)}.{image_format}"
