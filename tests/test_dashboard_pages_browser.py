"""Every page in a real browser: drawn, opened from a shared address, and following a filter.

One server and one chromium for the module; each page of dashboards/navigation.py
is a case, so a new page is checked as soon as it is listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from streamlit.testing.v1 import AppTest

from dashboards import data, navigation
from dashboards.periods import quarter_label, shift_quarters
from tests.test_dashboard_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    STARTUP_SECONDS,
    screenshot,
    serving,
)

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
# Pages whose numbers the quarter does not narrow: the snapshot's own health, and fairness
# (every application up to the as-of date: a quarter's groups would mostly be too small).
QUARTER_FREE = {"data_health", "fairness"}
# What every drawn figure holds, in order: enough to tell two views apart.
FIGURES = """() => [...document.querySelectorAll('.js-plotly-plot')].map((div) => JSON.stringify({
    title: div.layout && div.layout.title && div.layout.title.text,
    data: (div._fullData || []).map((t) => [t.x, t.y, t.cells && t.cells.values, t.text]),
}))"""


@pytest.fixture(scope="module")
def served(demo_published: Path, tmp_path_factory) -> Iterator[str]:
    with serving(demo_published, tmp_path_factory.mktemp("pages-server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def as_of_quarter(db: Path) -> date:
    with duckdb.connect(str(db), read_only=True) as con:
        as_of = con.execute("select as_of_date from meta_as_of").fetchone()[0]
    return date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)


def busiest_manager(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select d.display_name from fct_manager_hiring_impact as i"
            " join dim_users as d on d.user_id = i.hiring_manager_id"
            " group by all order by sum(i.hires_n) desc, d.display_name limit 1"
        ).fetchone()[0]


def shared_query(entry: navigation.PageEntry, db: Path) -> dict[str, str]:
    """The view a leader pastes in a chat: the quarter before the latest, Greenhouse only."""
    query = {"quarter": quarter_label(shift_quarters(as_of_quarter(db), -1)), "ats": "greenhouse"}
    if entry.name == "manager":
        query["manager"] = busiest_manager(db)
    return query


def app_figures(monkeypatch: pytest.MonkeyPatch, db: Path, entry, query: dict) -> int:
    """How many charts the app builds for this view (AppTest, no browser)."""
    monkeypatch.setenv(data.PUBLISHED_DB_ENV, str(db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{entry.file}").run()
    assert not at.exception, [e.value for e in at.exception]
    return len(at.get("plotly_chart"))


def settle(page: Page, charts: int) -> None:
    """Streamlit's run is over and plotly has drawn the `charts` the app builds for the view."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=STARTUP_SECONDS * 1000)
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=120_000,
    )
    page.wait_for_timeout(500)


def drawn(page: Page) -> list[str]:
    return page.evaluate(FIGURES)


def sidebar_choice(page: Page, index: int) -> str:
    """The value the sidebar's `index`th select box shows."""
    select = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(index)
    return select.locator("input").input_value()


@pytest.mark.parametrize("entry", navigation.pages(), ids=lambda entry: entry.name)
def test_page_opens_from_a_shared_address_draws_every_chart_and_follows_the_quarter(
    entry: navigation.PageEntry,
    served: str,
    page: Page,
    demo_published: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    query = shared_query(entry, demo_published)
    charts = app_figures(monkeypatch, demo_published, entry, query)
    page.goto(f"{served}/{entry.url_path}?{urlencode(query)}")
    settle(page, charts)

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", level=1).first.is_visible()
    # The address's filters are the sidebar's: the same view as whoever shared it.
    assert query["quarter"] in sidebar_choice(page, 0)
    assert "greenhouse" in sidebar_choice(page, 2)
    if "manager" in query:
        assert sidebar_choice(page, 3) == query["manager"]
    figures = drawn(page)
    assert len(figures) == charts
    screenshot(page, tmp_path, f"{entry.name}-shared")

    # Choose the latest quarter in the sidebar: the address follows, and so do the numbers.
    latest = quarter_label(as_of_quarter(demo_published))
    charts = app_figures(monkeypatch, demo_published, entry, {**query, "quarter": latest})
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(0).click()
    page.get_by_role("option", name=latest, exact=True).click()
    page.wait_for_function(
        f"location.search.includes('quarter={latest.replace(' ', '+')}')"
        f" || !location.search.includes('quarter=')",
        timeout=30_000,
    )
    settle(page, charts)
    assert page.locator('[data-testid="stException"]').count() == 0
    if entry.name in QUARTER_FREE:
        assert drawn(page) == figures
    else:
        assert drawn(page) != figures
