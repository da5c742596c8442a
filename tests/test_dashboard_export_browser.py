"""Downloads as a leader gets them: a chart's PNG / SVG and the Export deck PPTX, in chromium."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import Download, Page
from pptx import Presentation

from dashboards import deck
from tests import test_dashboard_browser as browser
from tests.test_export import png_size

pytestmark = pytest.mark.browser

# The browser suite's fixtures: the dashboard served on the demo snapshot, a chromium page.
dashboard_url = browser.dashboard_url
page = browser.page

RENDER_MS = 120_000  # the first image starts the server's browser; a deck renders nine charts


def download(page: Page, scope: str, label: str) -> Download:
    """Click the first download button labelled `label` inside `scope` and wait for the file."""
    button = page.locator(f'{scope} [data-testid="stDownloadButton"] button').filter(
        has_text=re.compile(rf"^\W*(download|slideshow)?\s*{label}$")
    )
    with page.expect_download(timeout=RENDER_MS) as started:
        button.first.click()
    return started.value


def test_a_chart_downloads_as_png_and_svg(dashboard_url: str, page: Page, tmp_path: Path) -> None:
    page.goto(dashboard_url)
    browser.wait_for_charts(page, 4)
    browser.screenshot(page, tmp_path, "overview-with-downloads")

    png = download(page, '[data-testid="stMain"]', "PNG")
    assert re.fullmatch(r"[a-z_]+-2026Q4\.png", png.suggested_filename)
    assert png_size(Path(png.path()).read_bytes()) == (1600, 900)

    svg = download(page, '[data-testid="stMain"]', "SVG")
    assert svg.suggested_filename == png.suggested_filename.replace(".png", ".svg")
    root = ET.fromstring(Path(svg.path()).read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("1600", "900")


def test_export_deck_returns_a_pptx_for_the_current_filters(dashboard_url: str, page: Page) -> None:
    page.goto(f"{dashboard_url}/funnel?department=Sales")
    browser.wait_for_charts(page, 2)

    exported = download(page, '[data-testid="stSidebar"]', "Export deck")
    assert exported.suggested_filename == "hiring-review-2026Q4.pptx"
    data = Path(exported.path()).read_bytes()
    assert data[:2] == b"PK"  # a PPTX is a zip
    slides = list(Presentation(io.BytesIO(data)).slides)
    assert len(slides) == 1 + len(deck.HEADLINE_CHARTS) + 1  # title, charts, appendix
    assert slides[0].shapes.title.text == "Hiring review · Q4 2026"
    subtitle = slides[0].placeholders[1].text_frame.text
    assert "Sales" in subtitle.splitlines()
