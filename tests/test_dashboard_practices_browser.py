"""The Practices pages in Debian's chromium: charts drawn, and a pasted link opens its view."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.test_dashboard_app import add_months, as_of_quarter, fetch
from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    ALL,
    STARTUP_SECONDS,
    dashboard_url,
    page,
    screenshot,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

# One trace of the chart whose title holds `title`, as the live plotly graph holds it.
TRACE = """([title, name]) => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        (div) => div.layout && String(div.layout.title.text).includes(title));
    if (!plot) return null;
    const found = plot._fullData.find((trace) => trace.name === name);
    if (!found) return null;
    // A histogram holds only x: its counts are binned in the browser.
    return {title: plot.layout.title.text, x: Array.from(found.x || []), y: Array.from(found.y || [])};
}"""


def plotted(browser_page: Page, title: str, name: str) -> dict | None:
    return browser_page.evaluate(TRACE, [title, name])


def coverage_by_month(db: Path, department: str) -> list[float]:
    end = add_months(as_of_quarter(db), 3)
    return fetch(
        db,
        "select license_coverage * 100 as rate from kpi_license_coverage "
        "where period_grain = 'month' and department = ? and source_system = 'All ATSs' "
        "and period_start >= ? and period_start < ? order by period_start",
        [department, add_months(end, -12), end],
    )["rate"].tolist()


def main_caption(browser_page: Page):
    return browser_page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first


def test_license_page_draws_its_charts_and_a_link_opens_one_department(
    dashboard_url: str,  # noqa: F811
    page: Page,  # noqa: F811
    demo_published: Path,
    tmp_path: Path,
) -> None:
    page.goto(f"{dashboard_url}/license")
    wait_for_charts(page, 5)
    assert page.get_by_role("heading", name="License to Hire program").is_visible()
    whole = plotted(page, "License to Hire coverage by month", "Licensed at open")
    assert whole["y"] == pytest.approx(coverage_by_month(demo_published, ALL))
    expect(page.get_by_text("A comparison, not proof.")).to_be_visible()
    screenshot(page, tmp_path, "license")

    page.goto(f"{dashboard_url}/license?department=Engineering")
    expect(main_caption(page)).to_contain_text("Engineering · ", timeout=STARTUP_SECONDS * 1000)
    page.wait_for_function(
        f"(() => {{ const t = ({TRACE})(['License to Hire coverage by month', 'Licensed at open']);"
        " return t && t.title.includes('Engineering'); })()",
        timeout=30_000,
    )
    scoped = plotted(page, "License to Hire coverage by month", "Licensed at open")
    assert scoped["y"] == pytest.approx(coverage_by_month(demo_published, "Engineering"))
    assert scoped["y"] != whole["y"]
    expect(
        page.get_by_text("the snapshot holds it for the whole organization only")
    ).to_be_visible()
    screenshot(page, tmp_path, "license-engineering")


def test_interviews_link_with_filters_opens_the_same_view(
    dashboard_url: str,  # noqa: F811
    page: Page,  # noqa: F811
    demo_published: Path,
    tmp_path: Path,
) -> None:
    page.goto(f"{dashboard_url}/interviews?department=Engineering&ats=greenhouse")
    expect(main_caption(page)).to_contain_text(
        "Engineering · Greenhouse", timeout=STARTUP_SECONDS * 1000
    )
    wait_for_charts(page, 4)
    assert page.get_by_role("heading", name="Interviews").is_visible()
    expected = fetch(
        demo_published,
        "select department, on_time_rate * 100 as rate from kpi_scorecard_timeliness "
        "where period_grain = 'quarter' and period_start = ? and source_system = 'greenhouse' "
        "and department in (?, 'Engineering') order by department <> ?",
        [as_of_quarter(demo_published), ALL, ALL],
    )
    bars = plotted(page, "Scorecards on time by interviewing team", "On time (%)")
    assert bars["x"] == pytest.approx(expected["rate"].tolist())
    assert [label.split(" (")[0] for label in bars["y"]] == expected["department"].tolist()
    talk = plotted(page, "How much hiring managers talk in interviews", "Within the limit")
    assert talk is not None and "Engineering · Greenhouse" in talk["title"]
    # The managers' chart is not cut by department: it says so instead of the whole company.
    expect(page.get_by_text("not available for one department")).to_be_visible()
    assert "department=Engineering" in page.url and "ats=greenhouse" in page.url
    screenshot(page, tmp_path, "interviews-engineering-greenhouse")
