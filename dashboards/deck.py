"""The all-hands deck: a 16:9 PPTX (and its PDF) from the published snapshot, for one scope.

A title slide, one slide per headline chart (its takeaway as the headline, the chart
as the page draws it, the metric's definition in the speaker notes), and an appendix
on data freshness. Every chart comes from its `ChartSpec`, so the deck shows what the
app shows: suppressed groups stay suppressed, and a chart with nothing to plot for
the scope becomes a slide saying why instead of disappearing. Nothing here imports
Streamlit; `collect` only queries, `to_pptx` only renders, so the app can run the
queries under its shared connection and render outside it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from dashboards import export, formats, queries
from dashboards.chart_specs import REGISTRY, ChartSpec
from dashboards.periods import quarter_code, quarter_start
from dashboards.scope import ALL_DEPARTMENTS, ALL_SOURCES, Scope

# The story of the all-hands, in order: speed, conversion, offers, sources, quality,
# experience, then the practices that move them.
HEADLINE_CHARTS = (
    "time_to_hire_trend",
    "time_to_fill_trend",
    "stage_funnel",
    "offer_acceptance_trend",
    "source_of_hire",
    "quality_by_cohort",
    "candidate_nps_trend",
    "license_coverage_trend",
    "talk_share_distribution",
)  # The program-effect table (25 rows) does not fit a slide: the app's License page has it.
DECK_TITLE = "Hiring review"
APPENDIX_TITLE = "Appendix: data freshness"
NO_DESCRIPTION = "No description of this metric in the snapshot: see docs/metrics.md."
# Folder names that say nothing about the company (the demo builds into warehouse/).
GENERIC_FOLDERS = frozenset({"warehouse", "published", "data", "tmp"})
SOFFICE_NAMES = ("soffice", "libreoffice")
PDF_TIMEOUT_S = 300

SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)  # PowerPoint's 16:9, 13.33 × 7.5 in
MARGIN = Inches(0.5)
HEADLINE_HEIGHT = Inches(1.1)
INK = RGBColor(0x1F, 0x29, 0x37)  # charts.COLORS["text"]
MUTED = RGBColor(0x6B, 0x72, 0x80)  # the charts' subtitle grey
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # in python-pptx's default template


class DeckError(RuntimeError):
    """The deck cannot be built as asked: no snapshot data, an unknown filter, no LibreOffice."""


@dataclass(frozen=True)
class ChartSlide:
    spec: ChartSpec
    headline: str  # the takeaway, or the chart's title when the rule has nothing to say
    figure: go.Figure | None  # None: `note` says why there is nothing to plot
    note: str | None
    notes: str  # the speaker notes: the metric's definition


@dataclass(frozen=True)
class Freshness:
    as_of: date
    latest_event: date | None
    published_at: datetime | None
    rows_loaded: int | None
    rows_quarantined: int | None

    @property
    def as_of_text(self) -> str:
        return formats.as_of(self.as_of, self.latest_event)


@dataclass(frozen=True)
class Deck:
    company: str | None
    scope: Scope
    freshness: Freshness
    slides: tuple[ChartSlide, ...]

    @property
    def title(self) -> str:
        return f"{DECK_TITLE} · {self.scope.quarter_name}"


# --- what goes on the slides (queries only) -------------------------------------------------


def _snapshot_row(con: duckdb.DuckDBPyConnection) -> dict:
    frame = con.execute("select * from main.meta_snapshot").df()
    return {} if frame.empty else frame.iloc[0].to_dict()


def _count(value: object) -> int | None:
    return None if value is None or value != value else int(value)  # NaN: not recorded


def company_name(given: str | None, folder: str | None) -> str | None:
    """The title slide's company: the name given, else the warehouse folder's name.

    A generic folder name ('warehouse', which `hiring demo` builds) names no company:
    the title slide then goes without one.
    """
    if given and given.strip():
        return given.strip()
    if folder and folder.strip().lower() not in GENERIC_FOLDERS:
        return folder.strip()
    return None


def scope_for(
    con: duckdb.DuckDBPyConnection,
    quarter: date | None = None,
    department: str = ALL_DEPARTMENTS,
    source_system: str = ALL_SOURCES,
) -> Scope:
    """The scope a deck is built for, checked against what the snapshot holds.

    Default quarter: the as-of date's. Raises DeckError naming the choices on a bad value.
    """
    info = queries.snapshot_info(con)
    if info is None:
        raise DeckError("the published snapshot has no as-of date (meta_as_of is empty)")
    offered = queries.quarters(con, info.as_of_date)
    chosen = quarter or quarter_start(info.as_of_date)
    if chosen not in offered:
        names = ", ".join(quarter_code(q) for q in offered)
        raise DeckError(f"no data for quarter {quarter_code(chosen)}; the snapshot has {names}")
    for value, options, what in (
        (department, queries.departments(con), "department"),
        (source_system, queries.source_systems(con), "source system"),
    ):
        if value not in options:
            raise DeckError(f"unknown {what} {value!r}; the snapshot has {', '.join(options[1:])}")
    return Scope(
        department=department,
        quarter=chosen,
        source_system=source_system,
        as_of=info.as_of_date,
    )


def _plain(markdown: str) -> str:
    """Speaker notes are plain text: drop emphasis and code marks, keep link text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def chart_slide(con: duckdb.DuckDBPyConnection, spec: ChartSpec, scope: Scope) -> ChartSlide:
    """One chart's slide content, as `components.chart` would show it on a page."""
    description = queries.metric_description(con, spec.metric) if spec.metric else None
    notes = _plain(description) if description else NO_DESCRIPTION
    if spec.unsupported(scope):
        return ChartSlide(spec, spec.title, None, spec.unsupported_reason(scope), notes)
    frame = spec.query(con, scope)
    if frame.empty:
        return ChartSlide(spec, spec.title, None, spec.empty_reason(scope), notes)
    figure = spec.figure(frame, spec.subtitle(scope))
    return ChartSlide(spec, spec.takeaway(frame, scope) or spec.title, figure, None, notes)


def collect(con: duckdb.DuckDBPyConnection, scope: Scope, company: str | None = None) -> Deck:
    """Everything the deck shows, read from the snapshot; no rendering yet."""
    row = _snapshot_row(con)
    info = queries.snapshot_info(con)
    if info is None:
        raise DeckError("the published snapshot has no as-of date (meta_as_of is empty)")
    freshness = Freshness(
        as_of=info.as_of_date,
        latest_event=info.latest_event_date,
        published_at=info.published_at,
        rows_loaded=_count(row.get("rows_loaded")),
        rows_quarantined=_count(row.get("rows_quarantined")),
    )
    slides = tuple(chart_slide(con, REGISTRY[chart_id], scope) for chart_id in HEADLINE_CHARTS)
    return Deck(company, scope, freshness, slides)


# --- the PPTX (rendering only) ---------------------------------------------------------------


def _place(shape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def _write(frame, lines: list[tuple[str, int, bool, RGBColor]]) -> None:
    """Replace a text frame's paragraphs: (text, points, bold, colour) per line."""
    frame.clear()
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = color
        paragraph.space_after = Pt(size * 0.4)


def _headline_size(text: str) -> int:
    """Points that keep a takeaway within two lines of the headline box (about 50 characters
    a line at 28 pt on a 12.3-inch box); longer takeaways get smaller type, not a third line."""
    return 28 if len(text) <= 100 else 24 if len(text) <= 115 else 20


def _headline(slide, text: str, size: int | None = None) -> None:
    size = size or _headline_size(text)
    title = slide.shapes.title
    _place(title, MARGIN, Inches(0.3), SLIDE_WIDTH - 2 * MARGIN, HEADLINE_HEIGHT)
    _write(title.text_frame, [(text, size, True, INK)])
    title.text_frame.paragraphs[0].alignment = 1  # left


def _text_box(slide, top: int, height: int, lines) -> None:
    box = slide.shapes.add_textbox(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, height)
    _write(box.text_frame, lines)


def _footer(slide, deck: Deck) -> None:
    text = f"{deck.scope.label} · data as of {deck.freshness.as_of_text}"
    _text_box(slide, SLIDE_HEIGHT - Inches(0.5), Inches(0.4), [(text, 11, False, MUTED)])


def _title_slide(presentation, deck: Deck) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    _place(title, MARGIN, Inches(2.2), SLIDE_WIDTH - 2 * MARGIN, Inches(1.5))
    _write(title.text_frame, [(deck.title, 44, True, INK)])
    _place(subtitle, MARGIN, Inches(3.9), SLIDE_WIDTH - 2 * MARGIN, Inches(2.0))
    lines = [(deck.company, 28, False, INK)] if deck.company else []
    scope = deck.scope.label.rsplit(" · ", 1)[0]  # the quarter is in the title already
    lines += [
        (scope, 22, False, MUTED),
        (f"Data as of {deck.freshness.as_of_text}", 22, False, MUTED),
    ]
    _write(subtitle.text_frame, lines)


def _chart_slide(presentation, deck: Deck, content: ChartSlide, picture: bytes | None) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[LAYOUT_TITLE_ONLY])
    _headline(slide, content.headline)
    top = Inches(0.3) + HEADLINE_HEIGHT
    if picture is not None:
        height = SLIDE_HEIGHT - top - Inches(0.6)
        width = int(height * export.WIDTH / export.HEIGHT)
        left = (SLIDE_WIDTH - width) // 2
        slide.shapes.add_picture(io.BytesIO(picture), left, top, width, height)
    else:
        _text_box(
            slide,
            top + Inches(0.4),
            Inches(3),
            [(f"Nothing to chart: {content.note}", 24, False, MUTED)],
        )
    _footer(slide, deck)
    slide.notes_slide.notes_text_frame.text = content.notes


def _appendix(presentation, deck: Deck) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[LAYOUT_TITLE_ONLY])
    _headline(slide, APPENDIX_TITLE)
    fresh = deck.freshness

    def rows(n: int | None) -> str:
        return "not recorded" if n is None else f"{n:,}"

    published = formats.timestamp(fresh.published_at) if fresh.published_at else "not recorded"
    latest = formats.long_date(fresh.latest_event) if fresh.latest_event else "not recorded"
    lines = [
        (f"As-of date: {formats.long_date(fresh.as_of)} (every metric is computed as of it)", 22),
        (f"Latest event in the data: {latest}", 22),
        (f"Published: {published}", 22),
        (f"Rows loaded by that refresh: {rows(fresh.rows_loaded)}", 22),
        (f"Rows quarantined by that refresh: {rows(fresh.rows_quarantined)}", 22),
        (f"Filters: {deck.scope.label}", 22),
        (
            "Groups below the minimum size are suppressed, as in the dashboards;"
            " each metric's definition is in the speaker notes.",
            18,
        ),
    ]
    _text_box(
        slide,
        Inches(0.3) + HEADLINE_HEIGHT + Inches(0.2),
        Inches(5),
        [(text, size, False, INK if size > 18 else MUTED) for text, size in lines],
    )
    _footer(slide, deck)


def to_pptx(deck: Deck, progress: Callable[[str], None] = lambda _: None) -> bytes:
    """The deck as PPTX bytes: every chart rendered in one batch through one browser."""
    drawn = [slide for slide in deck.slides if slide.figure is not None]
    progress(f"rendering {len(drawn)} charts")
    pictures = dict(
        zip(
            (slide.spec.id for slide in drawn),
            export.render([slide.figure for slide in drawn], "png"),
            strict=True,
        )
    )
    progress("writing the slides")
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    presentation.core_properties.title = deck.title
    _title_slide(presentation, deck)
    for content in deck.slides:
        _chart_slide(presentation, deck, content, pictures.get(content.spec.id))
    _appendix(presentation, deck)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def file_name(scope: Scope, suffix: str = "pptx") -> str:
    """'hiring-review-2026Q3.pptx'."""
    return f"hiring-review-{quarter_code(scope.quarter)}.{suffix}"


# --- PDF through LibreOffice ----------------------------------------------------------------


def soffice() -> str:
    for name in SOFFICE_NAMES:
        if path := shutil.which(name):
            return path
    raise DeckError(
        "PDF export needs LibreOffice: install Debian's `libreoffice-impress` package"
        " (`soffice` was not found on PATH)"
    )


def to_pdf(pptx: Path, out_dir: Path | None = None) -> Path:
    """Convert a PPTX to PDF with LibreOffice headless; returns the PDF's path.

    A private LibreOffice profile per run: two conversions at once would otherwise
    fight over the user's profile lock, and the second would fail silently.
    """
    out_dir = out_dir or pptx.parent
    pdf = out_dir / f"{pptx.stem}.pdf"
    pdf.unlink(missing_ok=True)  # so an old PDF is never taken for this conversion's
    with tempfile.TemporaryDirectory(prefix="hiring-soffice-") as profile:
        command = [
            soffice(),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(pptx),
        ]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=PDF_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as error:
            message = f"LibreOffice did not convert {pptx} within {PDF_TIMEOUT_S} s"
            raise DeckError(message) from error
    if result.returncode != 0 or not pdf.is_file():
        detail = (result.stderr or result.stdout).strip() or f"exit code {result.returncode}"
        raise DeckError(f"LibreOffice could not convert {pptx} to PDF: {detail}")
    return pdf
