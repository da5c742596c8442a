"""The dashboard as a leader sees it: the real server, driven by Debian's chromium.

Screenshots land in pytest's tmp dir and, when HIRING_SCREENSHOTS names a folder, there too.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from dashboards.server import streamlit_command
from dashboards.settings import PUBLISHED_DB_ENV

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ALL = "All departments"
STARTUP_SECONDS = 60
# The Time to hire chart's median values, read from the live plotly graph.
TIME_TO_HIRE_MEDIANS = """() => {
    const plot = [...document.querySelectorAll('.js-plotly-plot')].find(
        (div) => div.layout && String(div.layout.title.text).includes('Time to hire by month'));
    if (!plot) return null;
    // _fullData holds the arrays decoded; data may still hold them base64-encoded.
    const median = plot._fullData.find((trace) => trace.name === 'Median');
    return {title: plot.layout.title.text, y: Array.from(median.y)};
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the dashboard exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the dashboard did not answer within {STARTUP_SECONDS}s:\n{log.read_text()}")


@contextmanager
def serving(published_db: Path, folder: Path) -> Iterator[str]:
    """The dashboard server on a free port, stopped however the test ends."""
    port = free_port()
    log = folder / f"streamlit-{port}.log"
    # The server imports this checkout's `dashboards`, whichever copy the venv has installed.
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, PUBLISHED_DB_ENV: str(published_db), "PYTHONPATH": path}
    with log.open("w") as output:
        server = subprocess.Popen(
            streamlit_command(published_db, port),
            env=env,
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def dashboard_url(demo_published: Path, tmp_path: Path) -> Iterator[str]:
    with serving(demo_published, tmp_path) as url:
        yield url


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1440, "height": 900})
        finally:
            browser.close()


def screenshot(page: Page, folder: Path, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to fit it."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": max(int(height), 900)})
    page.wait_for_timeout(500)  # plotly resizes its charts to the new window
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("HIRING_SCREENSHOTS"):
        shared = Path(os.environ["HIRING_SCREENSHOTS"])
        shared.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, shared / path.name)
    page.set_viewport_size({"width": 1440, "height": 900})
    return path


def wait_for_charts(page: Page, count: int) -> None:
    page.wait_for_selector(".js-plotly-plot", timeout=STARTUP_SECONDS * 1000)
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot').length >= {count}", timeout=30_000
    )


def monthly_medians(db: Path, department: str) -> list[float]:
    """kpi_time_to_hire medians for the year ending with the as-of quarter, oldest first."""
    with duckdb.connect(str(db), read_only=True) as con:
        as_of = pd.Timestamp(con.execute("select as_of_date from meta_as_of").fetchone()[0])
        end = (as_of.to_period("Q").start_time + pd.DateOffset(months=3)).date()
        start = (pd.Timestamp(end) - pd.DateOffset(months=12)).date()
        rows = con.execute(
            "select median_days from kpi_time_to_hire where period_grain = 'month' "
            "and department = ? and source_system = 'All ATSs' and period_start >= ? and period_start < ? order by period_start",
            [department, start, end],
        ).fetchall()
    return [value for (value,) in rows]


def busiest_department(db: Path) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select department from kpi_time_to_hire where period_grain = 'month' "
            "and department <> ? and source_system = 'All ATSs' group by department order by sum(hires_n) desc limit 1",
            [ALL],
        ).fetchone()[0]


def test_overview_renders_tiles_and_charts_and_follows_the_department_filter(
    dashboard_url: str, page: Page, demo_published: Path, tmp_path: Path
) -> None:
    page.goto(dashboard_url)
    wait_for_charts(page, 5)

    assert page.get_by_role("heading", name="Overview").is_visible()
    tiles = page.locator('[data-testid="stMetric"]')
    assert tiles.count() == 7
    assert tiles.nth(0).inner_text().startswith("Time to hire (median)")
    assert page.locator(".js-plotly-plot").count() >= 4
    org_wide = page.evaluate(TIME_TO_HIRE_MEDIANS)
    assert org_wide["y"] == pytest.approx(monthly_medians(demo_published, ALL))
    screenshot(page, tmp_path, "overview-all-departments")

    department = busiest_department(demo_published)
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name=department, exact=True).click()
    page.wait_for_function(
        f"(() => {{ const c = ({TIME_TO_HIRE_MEDIANS})(); "
        f"return c && c.title.includes({department!r}); }})()",
        timeout=30_000,
    )
    wait_for_charts(page, 4)

    scoped = page.evaluate(TIME_TO_HIRE_MEDIANS)
    assert scoped["y"] == pytest.approx(monthly_medians(demo_published, department))
    assert scoped["y"] != org_wide["y"]
    screenshot(page, tmp_path, f"overview-{department.lower().replace(' ', '-')}")


def test_missing_snapshot_page_tells_how_to_publish_one(page: Page, tmp_path: Path) -> None:
    with serving(tmp_path / "warehouse" / "published.duckdb", tmp_path) as url:
        page.goto(url)
        page.get_by_text("No published data yet").wait_for(timeout=STARTUP_SECONDS * 1000)
        expect(page.locator("code")).to_contain_text(
            ["hiring refresh --exports DIR --warehouse DIR"]
        )
        screenshot(page, tmp_path, "overview-no-snapshot")


def test_a_view_is_shared_by_its_address_and_reset_clears_it(
    dashboard_url: str, page: Page, tmp_path: Path
) -> None:
    """The filters live in the query string: pasting it opens the same view; reset clears it."""
    page.goto(f"{dashboard_url}/funnel?department=Sales&ats=greenhouse")
    main_caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    expect(main_caption).to_contain_text("Sales · Greenhouse", timeout=STARTUP_SECONDS * 1000)

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name="Engineering", exact=True).click()
    expect(main_caption).to_contain_text("Engineering · Greenhouse", timeout=30_000)
    page.wait_for_function("location.search.includes('department=Engineering')", timeout=30_000)
    assert "ats=greenhouse" in page.url
    screenshot(page, tmp_path, "funnel-engineering-greenhouse")

    page.get_by_role("link", name="↺ Reset filters").click()
    expect(main_caption).to_contain_text("All departments · ", timeout=30_000)
    assert page.url == f"{dashboard_url}/funnel"
