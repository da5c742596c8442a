"""The `hiring` command: generate a demo export, refresh the warehouse, serve dashboards.

Exit codes: 0 success (for refresh: new data published); 1 the refresh failed
(nothing published) or a command could not finish; 2 wrong usage (bad option,
missing folder); 3 another refresh holds the warehouse (refresh without --wait).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from orchestration.engine import ENGINE_ENV, ENGINES, connect_duckdb
from orchestration.locations import DEFAULT_EXPORTS, PROJECT_ROOT, PUBLISHED_FILE

DEFAULT_PORT = 8501
EXIT_BUSY = 3


def _as_of(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in YYYY-MM-DD form") from None


port_option = click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port on 127.0.0.1.",
)


def warehouse_option(help: str):
    """`--warehouse DIR`, required: every command but `demo` names the warehouse it uses."""
    return click.option(
        "--warehouse",
        "warehouse_dir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Hiring analytics: ATS exports in, shared hiring metrics out.

    \b
    Typical use:
      hiring refresh --exports exports/ --warehouse warehouse/
      hiring status --warehouse warehouse/
      hiring dashboard --warehouse warehouse/
      hiring slides --warehouse warehouse/ --out deck.pptx
    """


@main.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the export into (greenhouse/, lever/ and people/).",
)
@click.option(
    "--applications",
    default=10000,  # generate.DEMO_APPLICATIONS, the committed demo's size
    show_default=True,
    type=click.IntRange(min=10),
    help="How many applications to generate.",
)
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=int,
    help="Random seed: the same seed and size give the same bytes.",
)
@click.option(
    "--gzip",
    "compress",
    is_flag=True,
    help="Write every file gzip-compressed (applications.json.gz), as seeds/demo is.",
)
def generate(out_dir: Path, applications: int, seed: int, compress: bool) -> None:
    """Write a synthetic company's ATS exports (Greenhouse, Lever) and HR files."""
    from orchestration.generate import generate_export

    started = time.perf_counter()
    written = generate_export(
        out_dir, applications=applications, seed=seed, progress=click.echo, compress=compress
    )
    rows = sum(written.values())
    click.echo(
        f"Wrote {len(written)} files, {rows:,} rows to {out_dir} "
        f"in {time.perf_counter() - started:.1f} s."
    )


@main.command()
@click.option(
    "--exports",
    "exports_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Export folder, one subfolder per source: greenhouse/, lever/, ats_csv/,"
    " people/ (see docs/export-format.md).",
)
@warehouse_option("Warehouse folder: warehouse.duckdb is built there, published.duckdb published.")
@click.option(
    "--as-of",
    callback=_as_of,
    metavar="YYYY-MM-DD",
    help="Reference date of every metric. Default: the date of the latest event.",
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Drop the raw layer first and load every export file again: the export alone decides.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Run every step even when the export, the project and the options did not change.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="When another refresh holds the warehouse, wait for it instead of exiting with 3.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="duckdb",
    show_default=True,
    envvar=ENGINE_ENV,
    help="SQL engine dbt builds with: DuckDB, or Apache Spark (docs/spark.md)."
    f" Also set by {ENGINE_ENV}.",
)
def refresh(
    exports_dir: Path,
    warehouse_dir: Path,
    as_of: str | None,
    rebuild: bool,
    force: bool,
    wait: bool,
    engine: str,
) -> None:
    """Ingest, validate, build and test, then publish for the dashboards.

    One refresh per warehouse at a time. Each refresh writes its own log,
    WAREHOUSE/logs/refresh-<UTC time>.log (the newest 10 are kept; logs/refresh.log
    points to the newest).

    A refresh whose export, project and options are those of the last published
    one stops at once and says "Nothing changed" (see --force).

    \b
    Exit codes:
      0  the new data was published, or nothing changed since the last refresh
      1  the refresh failed, naming what failed; the published snapshot is untouched
      2  wrong usage (bad option, missing export folder, or one with no source's folder)
      3  another refresh holds the warehouse (its PID is named); see --wait
    """
    from orchestration.ingest.sources import export_problem

    first_load = rebuild or not (warehouse_dir / PUBLISHED_FILE).exists()
    if problem := export_problem(exports_dir, first_load):
        raise click.BadParameter(problem, param_hint="'--exports'")
    os.environ[ENGINE_ENV] = engine  # dbt's profile and every step read it
    code = _refresh(exports_dir, warehouse_dir, as_of, rebuild=rebuild, force=force, wait=wait)
    _exit(code)


def _exit(code: int) -> NoReturn:
    """End the `hiring` process as soon as all is printed and written: a refresh leaves
    millions of objects (Dagster's, dbt's), and freeing them one by one as Python
    tears down kept the prompt away for 1.5 s after the summary (demo). Called in
    another program's process (a test's runner), it exits as usual."""
    if not _is_hiring_process():
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()  # the run's log file, closed
    os._exit(code)


def _is_hiring_process() -> bool:
    """This process is the `hiring` program (its script, or `python -m orchestration.cli`)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    return program is not None and (program.name == "hiring" or program == Path(__file__))


def _refresh(
    exports_dir: Path,
    warehouse_dir: Path,
    as_of: str | None,
    *,
    rebuild: bool = False,
    force: bool = False,
    wait: bool = False,
) -> int:
    from orchestration.engine import current_engine
    from orchestration.lock import WarehouseBusy
    from orchestration.refresh import format_summary, run_refresh, show_progress

    show_progress()
    engine = current_engine()
    click.echo(
        f"Refreshing {warehouse_dir} from {exports_dir}"
        + (f" as of {as_of}" if as_of else "")
        + (f" on {engine}" if engine != "duckdb" else "")
        + (" (rebuilding the raw layer)" if rebuild else "")
    )
    try:
        summary = run_refresh(
            exports_dir, warehouse_dir, as_of, rebuild=rebuild, force=force, wait=wait
        )
    except WarehouseBusy as busy:
        click.echo(f"Refresh refused: {busy}.", err=True)
        return EXIT_BUSY
    except Exception as exc:  # before or around the run: still one line with the cause
        from orchestration.errors import describe_exception

        click.echo(f"Refresh FAILED: nothing was published. {describe_exception(exc)}", err=True)
        return 1
    click.echo(format_summary(summary, warehouse_dir.resolve() / PUBLISHED_FILE))
    return 0 if summary.published or summary.nothing_changed else 1


@main.command()
@warehouse_option("Warehouse folder to describe.")
def status(warehouse_dir: Path) -> None:
    """Say what a warehouse holds now: its published snapshot, its checks, its latest
    refreshes (a failed one included) and whether a refresh is running.

    Reads only; a second terminal can run it while a refresh runs.

    \b
    Exit codes:
      0  the snapshot shown is the latest refresh's (no refresh failed since)
      1  no published snapshot, it cannot be read, or the latest refresh failed
    """
    import duckdb

    from orchestration.status import warehouse_status

    try:
        found = warehouse_status(warehouse_dir)
    except FileNotFoundError as missing:
        click.echo(
            f"No published snapshot at {missing}: run "
            f"`hiring refresh --exports DIR --warehouse {warehouse_dir}` first.",
            err=True,
        )
        sys.exit(1)
    except duckdb.Error as error:
        click.echo(f"Cannot read {warehouse_dir}: {error}", err=True)
        sys.exit(1)
    click.echo(found.text)
    sys.exit(0 if found.latest_published else 1)


@main.command()
@warehouse_option("Warehouse folder whose published.duckdb the dashboards read.")
@port_option
def dashboard(warehouse_dir: Path, port: int) -> None:
    """Serve the dashboards on http://127.0.0.1:PORT (read-only over the published snapshot)."""
    sys.exit(_serve(warehouse_dir, port))


def _serve(warehouse_dir: Path, port: int) -> int:
    from dashboards.server import serve

    published = warehouse_dir.resolve() / PUBLISHED_FILE
    if not published.exists():
        click.echo(
            f"No published snapshot at {published} yet: the dashboard will say so. "
            f"Run `hiring refresh --exports DIR --warehouse {warehouse_dir}` first.",
            err=True,
        )
    click.echo(f"Serving dashboards on http://127.0.0.1:{port} (Ctrl+C to stop)")
    return serve(published, port)


@main.command()
@click.option(
    "--warehouse",
    "warehouse_dir",
    default=PROJECT_ROOT / "warehouse",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Warehouse folder to build.",
)
@port_option
def demo(warehouse_dir: Path, port: int) -> None:
    """Build the demo company's warehouse and serve its dashboards.

    Uses the committed demo export (seeds/demo); generates it first if missing.
    """
    exports = DEFAULT_EXPORTS
    if not (exports / "greenhouse").is_dir():
        from orchestration.generate import generate_export

        click.echo(f"Generating the demo export into {exports}")
        generate_export(exports, compress=True)
    code = _refresh(exports, warehouse_dir, None)
    if code != 0:
        sys.exit(code)
    sys.exit(_serve(warehouse_dir, port))


def _quarter(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    from dashboards.periods import parse_quarter_code

    try:
        return parse_quarter_code(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@warehouse_option("Warehouse folder whose published.duckdb the deck is built from.")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PPTX to write (its folder is created).",
)
@click.option(
    "--quarter",
    callback=_quarter,
    metavar="YYYYQn",
    help="Quarter to present, e.g. 2026Q3. Default: the quarter of the as-of date.",
)
@click.option("--department", default=None, help="One department. Default: all departments.")
@click.option("--source-system", default=None, help="One ATS (e.g. greenhouse). Default: all ATSs.")
@click.option(
    "--company",
    default=None,
    help="Company name on the title slide. Default: the warehouse folder's name,"
    " unless a generic one such as warehouse/ (the slide then names none).",
)
@click.option("--pdf", is_flag=True, help="Also write the same deck as PDF (needs LibreOffice).")
def slides(
    warehouse_dir: Path,
    out_file: Path,
    quarter: date | None,
    department: str | None,
    source_system: str | None,
    company: str | None,
    pdf: bool,
) -> None:
    """Write the all-hands deck (16:9 PPTX) from the published snapshot.

    A title slide, one slide per headline chart with its takeaway and the metric's
    definition in the speaker notes, and an appendix on data freshness.

    \b
    Exit codes:
      0  the deck (and the PDF, with --pdf) was written
      1  it could not be built (no published snapshot, a chart or the PDF failed)
      2  wrong usage (bad option, a quarter, department or ATS the snapshot does not have)
    """
    sys.exit(_slides(warehouse_dir, out_file, quarter, department, source_system, company, pdf))


def _slides(
    warehouse_dir: Path,
    out_file: Path,
    quarter: date | None,
    department: str | None,
    source_system: str | None,
    company: str | None,
    pdf: bool,
) -> int:
    started = time.perf_counter()
    published = warehouse_dir.resolve() / PUBLISHED_FILE
    if not published.is_file():
        click.echo(
            f"No published snapshot at {published}: run "
            f"`hiring refresh --exports DIR --warehouse {warehouse_dir}` first.",
            err=True,
        )
        return 1
    import duckdb

    from dashboards import deck
    from dashboards.export import ExportError, shutdown
    from dashboards.scope import ALL_DEPARTMENTS, ALL_SOURCES

    click.echo(f"Reading {published}")
    con = connect_duckdb(published, read_only=True)
    try:
        scope = deck.scope_for(
            con, quarter, department or ALL_DEPARTMENTS, source_system or ALL_SOURCES
        )
        content = deck.collect(con, scope, deck.company_name(company, warehouse_dir.resolve().name))
    except deck.DeckError as error:
        click.echo(f"Cannot build the deck: {error}.", err=True)
        return 2
    except duckdb.Error as error:
        click.echo(f"Cannot read {published}: {error}", err=True)
        return 1
    finally:
        con.close()
    try:
        pptx = deck.to_pptx(content, progress=lambda step: click.echo(f"  {step}"))
    except ExportError as error:
        click.echo(f"Cannot draw the charts: {error}.", err=True)
        return 1
    finally:
        shutdown()  # the browser exits before this process does, not during its exit
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(pptx)
    click.echo(f"Wrote {out_file} ({len(content.slides) + 2} slides, {scope.label})")
    if pdf:
        click.echo("  converting to PDF with LibreOffice")
        try:
            written = deck.to_pdf(out_file)
        except deck.DeckError as error:
            click.echo(f"PDF FAILED: {error}.", err=True)
            return 1
        click.echo(f"Wrote {written}")
    click.echo(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    main()
