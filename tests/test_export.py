"""Chart images: the page's figure rendered by kaleido on the system Chromium, at 16:9."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboards import export
from dashboards.chart_specs import REGISTRY
from dashboards.scope import ALL_DEPARTMENTS, Scope

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEMO_QUARTER = date(2026, 10, 1)  # the demo's as-of date, 2026-10-31, is in Q4 2026


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (the first, right after the magic)."""
    assert data[:8] == PNG_MAGIC
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def connection(demo_published: Path):
    con = duckdb.connect(str(demo_published), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def scope(connection) -> Scope:
    as_of = connection.execute("select as_of_date from meta_as_of").fetchone()[0]
    return Scope(department=ALL_DEPARTMENTS, quarter=DEMO_QUARTER, as_of=as_of)


def test_png_and_svg_are_valid_16_by_9_images(connection, scope):
    figure = REGISTRY["time_to_hire_trend"].build(connection, scope)
    assert figure is not None

    png = export.image(figure, "png")
    assert png_size(png) == (1600, 900)

    svg = ET.fromstring(export.image(figure, "svg"))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert (svg.get("width"), svg.get("height")) == ("1600", "900")
    # The chart's own words are in the drawing, not a blank canvas.
    texts = " ".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Time to hire by month" in texts


def test_a_batch_renders_every_figure_through_one_browser(connection, scope):
    figures = [REGISTRY[i].build(connection, scope) for i in ("stage_funnel", "source_of_hire")]
    images = export.render(figures, "png")
    assert [png_size(image) for image in images] == [(1600, 900), (1600, 900)]
    assert images[0] != images[1]


def test_projector_styling_copies_the_page_figure_and_leaves_it_alone(connection, scope):
    figure = REGISTRY["time_to_hire_trend"].build(connection, scope)
    exported = export.for_projector(figure)
    assert (exported.layout.width, exported.layout.height) == (1600, 900)
    assert exported.layout.font.size == export.PROJECTOR_FONT == 26
    assert exported.layout.title.font.size == export.PROJECTOR_TITLE
    # the page keeps its own sizes
    assert figure.layout.font.size == 13
    assert figure.layout.width is None


def test_a_chart_the_scope_cannot_answer_has_no_image(connection, scope):
    one_manager = Scope(
        department=ALL_DEPARTMENTS, quarter=DEMO_QUARTER, hiring_manager="gh-1", as_of=scope.as_of
    )
    assert (
        export.chart_image(connection, REGISTRY["time_to_hire_trend"], one_manager, "png") is None
    )


def test_file_names_say_chart_and_quarter(scope):
    spec = REGISTRY["time_to_hire_trend"]
    assert export.file_name(spec, scope, "svg") == "time_to_hire_trend-2026Q4.svg"


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="png, svg"):
        export.render([], "jpeg")
