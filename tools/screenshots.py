"""Screenshots of every dashboard page (and the deck's slides) for docs/screenshots/.

    python tools/screenshots.py --warehouse warehouse --out docs/screenshots

Serves the warehouse's published snapshot, opens each page of
dashboards/navigation.py in Debian's chromium (Playwright) and saves it whole.
`make screenshots` builds the demo warehouse first. Exits 1 when a page shows
an exception.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
from PIL import Image
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboards import navigation  # noqa: E402
from dashboards.server import streamlit_command  # noqa: E402
from dashboards.settings import PUBLISHED_DB_ENV  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
WIDTH, HEIGHT = 1440, 900
STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the dashboard exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the dashboard did not answer within {STARTUP_SECONDS} s")


def busiest_manager(published: Path) -> str | None:
    """The manager with the most hires in the latest quarter: the one-manager page's example."""
    with duckdb.connect(str(published), read_only=True) as con:
        row = con.execute(
            # The address holds what the pick list shows: the manager's name.
            "select d.display_name from fct_manager_hiring_impact as i"
            " join dim_users as d on d.user_id = i.hiring_manager_id"
            " where quarter_start = (select max(quarter_start) from fct_manager_hiring_impact)"
            " order by i.hires_n desc, d.display_name limit 1"
        ).fetchone()
    return row[0] if row else None


def settle(page: Page) -> None:
    """Wait until Streamlit has finished the run and the page stops growing (charts drawn)."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=STARTUP_SECONDS * 1000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    shape = "[document.querySelector('[data-testid=\"stMain\"]').scrollHeight,"
    shape += " document.querySelectorAll('.js-plotly-plot .main-svg').length]"
    last, steady = None, 0
    while steady < 3:  # the same height and chart count for 1.5 s
        page.wait_for_timeout(500)
        now = page.evaluate(shape)
        steady = steady + 1 if now == last else 0
        last = now


def compact(path: Path) -> None:
    """A 256-colour PNG: a dashboard is flat colour, and the docs folder stays a few MB."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def deck_pages(pdf: Path, out: Path) -> list[Path]:
    """Each page of the deck's PDF as deck-NN.png, 960 pixels wide (pdftoppm)."""
    for old in out.glob("deck-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-scale-to", "960", str(pdf), str(out / "deck")], check=True
    )
    pages = sorted(out.glob("deck-*.png"))
    for path in pages:
        compact(path)
    return pages


def shoot(page: Page, path: Path) -> str | None:
    """The whole page (Streamlit scrolls inside its main block); any exception's text."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": max(int(height), HEIGHT)})
    page.wait_for_timeout(800)  # plotly resizes its charts to the new window
    page.screenshot(path=str(path), full_page=True)
    compact(path)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    errors = page.locator('[data-testid="stException"]')
    return errors.first.inner_text() if errors.count() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--warehouse", type=Path, required=True, help="folder with published.duckdb"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--deck", type=Path, help="the deck's PDF (hiring slides --pdf): its pages too"
    )
    args = parser.parse_args()
    published = (args.warehouse / "published.duckdb").resolve()
    if not published.is_file():
        raise SystemExit(f"{published} not found: run `hiring refresh` first")
    args.out.mkdir(parents=True, exist_ok=True)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, PUBLISHED_DB_ENV: str(published), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        streamlit_command(published, port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    failed = []
    try:
        wait_until_healthy(url, server)
        manager = busiest_manager(published)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            for number, entry in enumerate(navigation.pages(), start=1):
                query = f"?manager={manager}" if entry.name == "manager" and manager else ""
                page.goto(f"{url}/{entry.url_path}{query}")
                settle(page)
                path = args.out / f"{number:02d}-{entry.name}.png"
                error = shoot(page, path)
                print(f"{path}" + (f"  EXCEPTION: {error}" if error else ""), flush=True)
                if error:
                    failed.append(entry.title)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    if args.deck:
        for path in deck_pages(args.deck, args.out):
            print(path, flush=True)
    if failed:
        print(f"pages with an exception: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
