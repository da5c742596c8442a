"""The all-hands deck: `hiring slides` on the demo snapshot, opened with python-pptx and LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation

from dashboards import deck
from dashboards.chart_specs import REGISTRY
from dashboards.scope import ALL_DEPARTMENTS, Scope
from tests.conftest import query, run_hiring
from tests.test_export import png_size

DEMO_QUARTER = date(2026, 10, 1)  # the demo's as-of date, 2026-11-02, is in Q4 2026
COMPANY = "Northwind Robotics"
SLIDES = 1 + len(deck.HEADLINE_CHARTS) + 1  # title, one per headline chart, appendix


@pytest.fixture(scope="module")
def written(demo_refresh, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("deck") / "all-hands.pptx"
    result = run_hiring(
        "slides",
        "--warehouse",
        str(demo_refresh.warehouse),
        "--out",
        str(out),
        "--company",
        COMPANY,
        "--pdf",
    )
    return out, result


@pytest.fixture(scope="module")
def connection(demo_published: Path):
    con = duckdb.connect(str(demo_published), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def scope(connection) -> Scope:
    return deck.scope_for(connection)


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_hiring_slides_writes_the_deck_and_its_pdf(written):
    out, result = written
    assert result.returncode == 0, result.stderr
    assert f"Wrote {out} ({SLIDES} slides, All departments · Q4 2026)" in result.stdout
    assert f"rendering {len(deck.HEADLINE_CHARTS)} charts" in result.stdout
    assert f"Wrote {out.with_suffix('.pdf')}" in result.stdout
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"


def test_the_deck_is_16_by_9_with_title_charts_and_appendix(written, scope):
    presentation = Presentation(str(written[0]))
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    slides = list(presentation.slides)
    assert len(slides) == SLIDES == 11

    assert scope == Scope(ALL_DEPARTMENTS, DEMO_QUARTER, as_of=date(2026, 11, 2))
    assert slides[0].shapes.title.text == "Hiring review · Q4 2026"
    assert texts(slides[0])[1].splitlines() == [
        COMPANY,
        "All departments",
        "Data as of 2 Nov 2026",
    ]
    assert slides[-1].shapes.title.text == "Appendix: data freshness"
    # every chart slide carries its chart as a picture and the scope in its footer
    for slide in slides[1:-1]:
        assert [s.shape_type for s in slide.shapes].count(13) == 1  # MSO_SHAPE_TYPE.PICTURE
        assert "All departments · Q4 2026 · data as of 2 Nov 2026" in texts(slide)


@pytest.mark.parametrize(
    ("given", "folder", "expected"),
    [
        ("Northwind Robotics", "acme", "Northwind Robotics"),  # --company wins
        ("Data", "acme", "Data"),  # even a word that is a generic folder's name
        (None, "acme-hiring", "acme-hiring"),  # else the warehouse folder
        ("  ", "acme-hiring", "acme-hiring"),
        (None, "Warehouse", None),  # the demo's folder names no company
        (None, "tmp", None),
        (None, None, None),
    ],
)
def test_the_company_is_the_name_given_else_a_folder_that_names_one(given, folder, expected):
    assert deck.company_name(given, folder) == expected


def test_headlines_are_the_takeaway_rules_and_notes_the_definitions(
    written, connection, scope, demo_published
):
    slides = list(Presentation(str(written[0])).slides)[1:-1]
    for chart_id, slide in zip(deck.HEADLINE_CHARTS, slides, strict=True):
        spec = REGISTRY[chart_id]
        frame = spec.query(connection, scope)
        assert slide.shapes.title.text == spec.takeaway(frame, scope), chart_id
        description = query(
            demo_published,
            "select description from meta_metric_docs where metric = ?",
            [spec.metric],
        )[0][0]
        notes = slide.notes_slide.notes_text_frame.text
        assert notes == description.replace("**", "").replace("`", "").strip(), chart_id

    # two read by hand: the first slide's rule and its definition's opening words
    assert slides[0].shapes.title.text == (
        "Median time to hire rose 8.5 days to 35.5 days in Oct 2026 (vs Sep 2026)."
    )
    assert slides[0].notes_slide.notes_text_frame.text.startswith(
        "Time to hire (per hired application, days): date of offer acceptance minus"
    )


def test_the_appendix_states_freshness_from_the_snapshot(written, demo_published):
    appendix = list(Presentation(str(written[0])).slides)[-1]
    loaded, quarantined = query(
        demo_published, "select rows_loaded, rows_quarantined from meta_snapshot"
    )[0]
    body = "\n".join(texts(appendix))
    assert "As-of date: 2 Nov 2026 (every metric is computed as of it)" in body
    assert "Latest event in the data: 2 Nov 2026" in body
    assert f"Rows loaded by that refresh: {loaded:,}" in body
    assert f"Rows quarantined by that refresh: {quarantined:,}" in body
    assert "Published: " in body and " UTC" in body


def test_the_pdf_renders_one_page_per_slide(written, tmp_path):
    pdf = written[0].with_suffix(".pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == SLIDES
    width, height = png_size(pages[1].read_bytes())
    assert abs(width / height - 16 / 9) < 0.01


def test_a_chart_the_scope_cannot_answer_becomes_a_note_slide(connection):
    lever = deck.scope_for(connection, source_system="lever")
    content = deck.collect(connection, lever)
    nps = content.slides[deck.HEADLINE_CHARTS.index("candidate_nps_trend")]
    assert nps.figure is None
    assert nps.headline == "Candidate NPS by month"
    assert nps.note == (
        "not available for one ATS: the snapshot holds it by department and hiring manager only."
    )
    slide = list(Presentation(io.BytesIO(deck.to_pptx(content))).slides)[
        1 + deck.HEADLINE_CHARTS.index("candidate_nps_trend")
    ]
    assert "Nothing to chart: not available for one ATS" in "\n".join(texts(slide))
    assert 13 not in [s.shape_type for s in slide.shapes]


def test_a_small_group_stays_suppressed_on_its_slide(connection, demo_published):
    # Product's candidate surveys: Sep and Oct 2026 have fewer than 5 responses, and Aug is
    # hidden too so they cannot be worked out from the quarter.
    product = deck.scope_for(connection, department="Product")
    suppressed = query(
        demo_published,
        "select period_start from kpi_candidate_nps where cut_type = 'department'"
        " and cut_value = 'Product' and period_grain = 'month' and is_suppressed"
        " and period_start >= '2026-01-01' order by 1",
    )
    assert [row[0] for row in suppressed] == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]

    slide = deck.chart_slide(connection, REGISTRY["candidate_nps_trend"], product)
    nps = next(trace for trace in slide.figure.data if trace.name == "Candidate NPS")
    shown = {str(x)[:10]: y for x, y in zip(nps.x, nps.y, strict=True)}
    for month in ("2026-08-01", "2026-09-01", "2026-10-01"):
        assert shown[month] is None or shown[month] != shown[month]  # None or NaN: no value
    hidden = next(trace for trace in slide.figure.data if trace.name == "Not shown")
    assert list(hidden.text) == [
        "hidden to protect a smaller group",
        "fewer than 5 responses",
        "fewer than 5 responses",
    ]
    # the headline speaks of the last month with a value, never a suppressed one
    assert "Oct 2026" not in slide.headline and "Sep 2026" not in slide.headline


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--quarter", "1999Q1"], 2, "no data for quarter 1999Q1; the snapshot has 2026Q4, 2026Q3"),
        (["--quarter", "2026-07"], 2, "'2026-07' is not a quarter in YYYYQn form, such as 2026Q3"),
        (["--department", "Astrology"], 2, "unknown department 'Astrology'; the snapshot has"),
        (["--source-system", "workday"], 2, "unknown source system 'workday'"),
    ],
)
def test_hiring_slides_refuses_what_the_snapshot_does_not_have(
    demo_refresh, tmp_path, args, code, message
):
    out = tmp_path / "deck.pptx"
    result = run_hiring(
        "slides", "--warehouse", str(demo_refresh.warehouse), "--out", str(out), *args
    )
    assert result.returncode == code
    assert message in result.stderr
    assert not out.exists()


def test_hiring_slides_without_a_snapshot_says_how_to_make_one(tmp_path):
    result = run_hiring("slides", "--warehouse", str(tmp_path), "--out", str(tmp_path / "d.pptx"))
    assert result.returncode == 1
    assert f"No published snapshot at {tmp_path.resolve()}/published.duckdb" in result.stderr
    assert "hiring refresh --exports DIR" in result.stderr


def test_pdf_without_libreoffice_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(deck.DeckError, match="install Debian's `libreoffice-impress`"):
        deck.to_pdf(tmp_path / "deck.pptx")
