"""The Fairness and Data health pages in Debian's chromium, on the real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import query
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    STARTUP_SECONDS,
    dashboard_url,
    page,
    screenshot,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

# The titles of the plotly figures drawn on the page, as the browser holds them.
CHART_TITLES = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .map((div) => String(div.layout.title.text).split('<br>')[0].replace(/<[^>]*>/g, ''))"""


def test_fairness_is_drawn_and_a_link_opens_the_same_dimension(
    dashboard_url: str,  # noqa: F811
    page: Page,  # noqa: F811
    demo_published: Path,
    tmp_path: Path,
) -> None:
    page.goto(f"{dashboard_url}/fairness?dimension=Race+and+ethnicity")
    wait_for_charts(page, 2)

    assert page.get_by_role("heading", name="Fairness").is_visible()
    assert "Impact ratio by stage · Race and ethnicity" in page.evaluate(CHART_TITLES)
    flags = query(
        demo_published,
        "select count(*) from fct_selection_rates where dimension = 'race_ethnicity' and is_flagged",
    )[0][0]
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Flags at any stage")
    expect(tile).to_contain_text(str(flags))
    screenshot(page, tmp_path, "fairness-race-and-ethnicity")

    # Another dimension: the address bar follows, so the view can be shared.
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Veteran status", exact=True).click()
    page.wait_for_function("location.search.includes('dimension=Veteran')", timeout=30_000)
    page.wait_for_function(
        f"({CHART_TITLES})().includes('Impact ratio by stage · Veteran status')", timeout=30_000
    )


def test_data_health_is_drawn_and_a_link_with_filters_opens_it(
    dashboard_url: str,  # noqa: F811
    page: Page,  # noqa: F811
    demo_published: Path,
    tmp_path: Path,
) -> None:
    page.goto(f"{dashboard_url}/data-health?department=Sales")
    wait_for_charts(page, 3)

    assert page.get_by_role("heading", name="Data health").is_visible()
    titles = page.evaluate(CHART_TITLES)
    assert {"Refresh history", "Rows loaded by file", "Checks of the refresh"} <= set(titles)
    department = page.get_by_role("combobox", name="Department")
    expect(department).to_have_value("Sales", timeout=STARTUP_SECONDS * 1000)
    files = query(demo_published, "select count(*) from meta_loaded_files")[0][0]
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Files in the snapshot")
    expect(tile).to_contain_text(str(files))
    screenshot(page, tmp_path, "data-health")
