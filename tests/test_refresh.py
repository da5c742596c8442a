"""`hiring refresh` end to end: summary, idempotence, and failures that publish nothing."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration import cli
from orchestration import refresh as refresh_module
from orchestration.engine import ENGINE_ENV
from orchestration.lock import warehouse_lock
from orchestration.refresh import LOGS_KEPT, new_run_log
from orchestration.transform import (
    PARSE_FILE,
    dbt_project,
    ensure_manifest,
    keep_partial_parse,
    project_parse,
    seed_partial_parse,
)
from tests.conftest import (
    DEMO_EXPORT,
    HANDMADE_AS_OF,
    HANDMADE_EXPORT,
    PROJECT_ROOT,
    query,
    refresh,
    run_hiring,
)

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_refresh_prints_its_summary_and_publishes(demo_refresh):
    out = demo_refresh.result.stdout
    assert "Refresh summary" in out
    assert "files loaded      32  (0 unchanged, 0 optional files absent)" in out
    assert "rows quarantined  0" in out
    assert " 0 failed" in out
    assert f"Published {demo_refresh.published}" in out
    # progress per step goes to stderr; a source the export has no folder for says so
    assert f"ingest greenhouse: reading {DEMO_EXPORT / 'greenhouse'}" in demo_refresh.result.stderr
    assert f"ingest ats_csv: nothing to load (no {DEMO_EXPORT / 'ats_csv'})" in (
        demo_refresh.result.stderr
    )
    assert "dbt build" in demo_refresh.result.stderr
    tables = {t for (t,) in query(demo_refresh.published, "select table_name from duckdb_tables()")}
    assert {
        "fct_applications",
        "fct_application_stages",
        "fct_openings",
        "kpi_time_to_hire",
        "kpi_time_to_fill",
        "kpi_time_in_stage",
        "kpi_offer_acceptance",
        "kpi_stage_pass_through",
        "kpi_source_of_hire",
        "kpi_open_openings",
        "meta_as_of",
        "meta_snapshot",
        "meta_metric_docs",
    } <= tables
    # every generated application reaches the mart
    assert query(demo_refresh.published, "select count(*) from fct_applications") == [(10000,)]
    assert query(
        demo_refresh.published, "select rows_loaded, rows_quarantined from meta_snapshot"
    ) == [(81334, 0)]
    # The summary counts the checks Data health lists: every dbt test, the statistics
    # step's check of its two tables, and the row validation of each of the 32 files
    # (none for the ATS CSV source, absent from the demo).
    kinds = dict(
        query(
            demo_refresh.published,
            "select check_type, count(*) from meta_check_results group by check_type",
        )
    )
    assert (kinds["validation"], kinds["statistics"]) == (32, 2)
    assert f"checks            {sum(kinds.values())} passed, 0 failed, 0 warned" in out


def test_published_marts_hold_no_candidate_identifiers(demo_published):
    columns = {
        c
        for (c,) in query(
            demo_published, "select column_name from duckdb_columns() where not internal"
        )
    }
    assert not columns & {
        "first_name",
        "last_name",
        "email",
        "email_addresses",
        "phone_numbers",
        "name",
    }


@pytest.fixture
def handmade_copy(tmp_path) -> Path:
    return Path(shutil.copytree(HANDMADE_EXPORT, tmp_path / "export"))


def test_second_refresh_of_the_same_export_changes_nothing(handmade_copy, tmp_path):
    warehouse = tmp_path / "wh"
    first = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)
    assert first.returncode == 0, first.stdout + first.stderr
    published = warehouse / "published.duckdb"
    before = digest(published), published.stat().st_mtime_ns
    rows = query(published, "select * from fct_applications order by all")
    logs = sorted((warehouse / "logs").glob("refresh-*.log"))

    second = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Nothing changed since the refresh of " in second.stdout
    assert "the 21 export files, the project and the options are the same" in second.stdout
    assert f"{published} (as of {HANDMADE_AS_OF}) is kept as it is" in second.stdout
    assert "dbt" not in second.stderr  # stopped before any step
    assert (digest(published), published.stat().st_mtime_ns) == before
    assert sorted((warehouse / "logs").glob("refresh-*.log")) == logs

    forced = run_hiring(
        "refresh", "--exports", str(handmade_copy), "--warehouse", str(warehouse),
        "--as-of", HANDMADE_AS_OF, "--force",
    )  # fmt: skip
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "rows loaded       0" in forced.stdout
    assert "files loaded      0  (20 unchanged, 2 optional files absent)" in forced.stdout
    assert query(published, "select * from fct_applications order by all") == rows


def test_a_changed_option_or_export_file_refreshes_again_copied_bytes_do_not(
    handmade_copy, tmp_path
):
    warehouse = tmp_path / "wh"
    assert refresh(handmade_copy, warehouse, HANDMADE_AS_OF).returncode == 0
    other_day = refresh(handmade_copy, warehouse, "2026-03-30")
    assert other_day.returncode == 0, other_day.stdout + other_day.stderr
    assert "Published " in other_day.stdout
    assert "(as of 2026-03-30)" in other_day.stdout

    jobs = handmade_copy / "greenhouse" / "jobs.json"
    os.utime(jobs, ns=(jobs.stat().st_atime_ns, jobs.stat().st_mtime_ns + 10**9))  # a new copy
    copied = refresh(handmade_copy, warehouse, "2026-03-30")
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "Nothing changed since the refresh of " in copied.stdout  # the same bytes

    jobs.write_text(jobs.read_text().replace('Backend Engineer"', 'Backend Engineer II"', 1))
    edited = refresh(handmade_copy, warehouse, "2026-03-30")
    assert edited.returncode == 0, edited.stdout + edited.stderr
    assert "files loaded      1  (19 unchanged, 2 optional files absent)" in edited.stdout


def test_unreadable_file_fails_before_dbt_and_keeps_the_snapshot(handmade_copy, tmp_path):
    warehouse = tmp_path / "wh"
    assert refresh(handmade_copy, warehouse, HANDMADE_AS_OF).returncode == 0
    published = warehouse / "published.duckdb"
    before = digest(published)

    jobs = handmade_copy / "greenhouse" / "jobs.json"
    jobs.write_text(jobs.read_text()[:-40])  # truncated download
    result = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 1
    assert "Refresh FAILED: nothing was published." in result.stdout
    assert "greenhouse/jobs.json line " in result.stdout
    assert "not valid JSON" in result.stdout
    assert "dbt build" not in result.stderr  # stopped before dbt
    assert f"The previous published snapshot {published} is unchanged." in result.stdout
    assert digest(published) == before


def test_unmapped_stage_fails_the_build_naming_the_source_and_the_stage(handmade_copy, tmp_path):
    warehouse = tmp_path / "wh"
    assert refresh(handmade_copy, warehouse, HANDMADE_AS_OF).returncode == 0
    published = warehouse / "published.duckdb"
    before = digest(published)

    stages = handmade_copy / "greenhouse" / "application_stages.jsonl"
    lines = stages.read_text().splitlines()
    first = json.loads(lines[0])
    first["stage_name"] = "Vibe Check"
    stages.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    result = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 1, result.stdout
    assert "dbt build failed" in result.stdout
    assert (
        "source greenhouse: stage 'Vibe Check' is not in dbt_project/seeds/stage_mapping.csv"
        in result.stdout
    )
    assert digest(published) == before


def test_cli_help_and_usage_errors():
    for command in ([], ["generate"], ["refresh"], ["dashboard"], ["demo"], ["status"], ["slides"]):
        result = run_hiring(*command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command
    bad_date = run_hiring(
        "refresh",
        "--exports",
        str(HANDMADE_EXPORT),
        "--warehouse",
        "/tmp/x",
        "--as-of",
        "31/03/2026",
    )
    assert bad_date.returncode == 2
    assert "'31/03/2026' is not a date in YYYY-MM-DD form" in bad_date.stderr
    missing = run_hiring("refresh", "--exports", "/nonexistent/export", "--warehouse", "/tmp/x")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr


def test_an_export_without_a_source_folder_is_a_usage_error_said_before_anything_runs(
    tmp_path,
):
    """A wrong --exports (an empty folder, a source's own folder, HR files alone for a
    new warehouse) once ran every step and failed in dbt on an empty as-of date."""
    empty, people_only = tmp_path / "empty", tmp_path / "people_only"
    empty.mkdir()
    shutil.copytree(HANDMADE_EXPORT / "people", people_only / "people")
    warehouse = tmp_path / "wh"
    said = {}
    for name, export in [
        ("empty", empty),
        ("greenhouse", HANDMADE_EXPORT / "greenhouse"),
        ("people", people_only),
    ]:
        result = run_hiring("refresh", "--exports", str(export), "--warehouse", str(warehouse))
        assert result.returncode == 2, result.stdout + result.stderr
        said[name] = " ".join(result.stderr.split())
    every = "greenhouse/, lever/, ats_csv/, people/"
    assert f"Invalid value for '--exports': {empty} holds none of {every}" in said["empty"]
    assert (
        f"it is a source's own folder: pass its parent, {HANDMADE_EXPORT}" in (said["greenhouse"])
    )
    assert (
        f"{people_only} holds none of greenhouse/, lever/, ats_csv/: a first refresh"
        " (or --rebuild) needs an ATS export" in said["people"]
    )
    assert not warehouse.exists()  # nothing ran


def test_a_run_not_from_the_cli_hears_the_same_before_dbt_builds(tmp_path, monkeypatch):
    """The Dagster UI runs the assets without the CLI's check: the dbt step says what
    the export lacks, before dbt fails on an empty warehouse's as-of date."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    empty = tmp_path / "empty"
    empty.mkdir()

    summary = refresh_module.run_refresh(empty, tmp_path / "wh")

    assert not summary.published
    assert summary.failed_step == "hiring_dbt_models"
    every = "greenhouse/, lever/, ats_csv/, people/"
    assert summary.failures == [
        f"hiring_dbt_models: {empty.resolve()} holds none of {every} (see docs/export-format.md)"
    ]
    assert not (tmp_path / "wh" / "published.duckdb").exists()


def test_hr_files_alone_refresh_a_warehouse_that_has_applications(tmp_path):
    """Rows loaded earlier are kept (loader), so an export of people/ alone refreshes
    the HR data of a warehouse that has applications: not a first load or a rebuild."""
    from orchestration.ingest.sources import export_problem

    (tmp_path / "people").mkdir()
    assert export_problem(tmp_path, first_load=False) is None
    assert export_problem(tmp_path, first_load=True) is not None
    assert export_problem(HANDMADE_EXPORT, first_load=True) is None


def test_a_freshly_generated_export_refreshes_and_publishes(tmp_path):
    export, warehouse = tmp_path / "export", tmp_path / "wh"
    generated = run_hiring(
        "generate", "--out", str(export), "--applications", "300", "--seed", "11"
    )
    assert generated.returncode == 0, generated.stderr
    assert "Wrote 32 files" in generated.stdout
    result = refresh(export, warehouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(warehouse / "published.duckdb", "select count(*) from fct_applications") == [
        (300,)
    ]


def test_a_bad_row_is_quarantined_named_and_the_rest_published(
    handmade_copy, tmp_path, handmade_published
):
    jobs_file = handmade_copy / "greenhouse" / "jobs.json"
    jobs = json.loads(jobs_file.read_text())
    jobs[1]["status"] = "paused"  # not a Greenhouse job status
    jobs_file.write_text(json.dumps(jobs))
    warehouse = tmp_path / "wh"

    result = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "rows quarantined  1  (details: table raw.quarantine in warehouse.duckdb)" in result.stdout
    )
    assert (
        "warning: raw_greenhouse/jobs:rows_valid (1 row quarantined, first: greenhouse/jobs.json"
        " item 1: status: 'paused' is not one of: open, closed, draft (dropped))"
    ) in result.stdout
    assert query(
        warehouse / "warehouse.duckdb", "select file, line, field, value from raw.quarantine"
    ) == [("greenhouse/jobs.json", 1, "status", "paused")]
    assert query(
        warehouse / "published.duckdb", "select entity, field, rows from meta_quarantine_summary"
    ) == [("jobs", "status", 1)]
    # counts only: no free-text reason (it may quote a value) and no value column
    assert [
        c
        for (c,) in query(
            warehouse / "published.duckdb",
            "select column_name from duckdb_columns()"
            " where table_name = 'meta_quarantine_summary' order by column_index",
        )
    ] == [
        "source_system",
        "entity",
        "file",
        "field",
        "reason_code",
        "action",
        "rows",
        "last_seen_at",
    ]
    # every other job's openings are published, as from the clean export
    jobs_with_openings = "select distinct job_id from fct_openings order by 1"
    clean = {job for (job,) in query(handmade_published, jobs_with_openings)}
    published = {job for (job,) in query(warehouse / "published.duckdb", jobs_with_openings)}
    assert published == clean - {f"greenhouse:{jobs[1]['id']}"}


# -- errors keep their cause -------------------------------------------------------------

FAULTY_READS = """
# Injected by the test: reading one export file fails like a dying disk, with an
# exception that does not name the file (as many library errors do not).
import builtins, io

_open = builtins.open


def _faulty_open(file, *args, **kwargs):
    if str(file).endswith({suffix!r}):
        raise OSError(5, "Input/output error")
    return _open(file, *args, **kwargs)


builtins.open = io.open = _faulty_open
"""


def with_faulty_reads(monkeypatch, tmp_path: Path, suffix: str) -> None:
    """Make every process the test starts fail to read files ending in `suffix`."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(FAULTY_READS.format(suffix=suffix))
    monkeypatch.setenv("PYTHONPATH", str(hooks))


def test_an_unexpected_error_in_one_file_names_the_file_and_its_cause(
    handmade_copy, tmp_path, monkeypatch
):
    with_faulty_reads(monkeypatch, tmp_path, "people/employees.csv")
    monkeypatch.delenv("HIRING_PII_SALT", raising=False)

    result = refresh(handmade_copy, tmp_path / "wh", HANDMADE_AS_OF)

    assert result.returncode == 1, result.stdout + result.stderr
    failed = result.stdout.split("Refresh FAILED: nothing was published.")[1]
    assert "people/employees.csv: could not be loaded: OSError: [Errno 5] Input/output error" in (
        failed
    )
    assert "Error occurred while executing" not in result.stdout
    assert "dbt build" not in result.stderr  # stopped before dbt
    # the other files still loaded
    assert "greenhouse/applications.json: " in result.stderr
    # the handmade export is not a generated demo export: the demo salt is worth a warning
    assert "HIRING_PII_SALT is not set" in result.stderr
    assert "HIRING_PII_SALT is not set" in result.stdout.split("\n  warnings\n")[1]
    # the full traceback is in this refresh's log
    log = (tmp_path / "wh" / "logs" / "refresh.log").read_text()
    assert "Traceback" in log and "Input/output error" in log


def test_hiring_ends_its_process_at_once_leaving_no_temporary_folder(
    handmade_copy, tmp_path, monkeypatch
):
    """`hiring refresh` ends without Python's teardown (cli._exit): what that teardown
    would have removed (Dagster's temporary folder) is removed before, and the log
    file is complete."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    warehouse = tmp_path / "wh"
    result = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(temporary.iterdir()) == []
    assert "Published " in (warehouse / "logs" / "refresh.log").read_text()


def test_the_quick_exit_is_only_for_the_hiring_process():
    """Called in another program (a test's CLI runner), `_exit` exits as usual."""
    with pytest.raises(SystemExit) as exited:
        cli._exit(3)
    assert exited.value.code == 3


def test_a_failing_step_reports_the_innermost_exception(handmade_copy, tmp_path):
    """Here publish cannot write its temporary file: the summary names why, and where."""
    (handmade_copy / ".generated-demo").touch()  # no demo-salt warning for a demo export
    warehouse = tmp_path / "wh"
    (warehouse / "published.duckdb.tmp").mkdir(parents=True)

    result = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "published_snapshot: IsADirectoryError: [Errno 21] Is a directory:" in result.stdout
    assert "(at orchestration/publish.py line " in result.stdout
    assert "Error occurred while executing" not in result.stdout
    assert "HIRING_PII_SALT" not in result.stdout + result.stderr


# -- one log per refresh -------------------------------------------------------------------


def test_each_refresh_log_is_kept_and_the_newest_ten_remain(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    legacy = logs / "refresh.log"  # a log written before there was one per refresh
    legacy.write_text("the previous refresh\n")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    os.utime(legacy, (start.timestamp() - 60, start.timestamp() - 60))

    made = [new_run_log(logs, start)]
    assert [p.read_text() for p in logs.glob("refresh-*.log") if p != made[0]] == [
        "the previous refresh\n"
    ]
    for minutes in range(1, LOGS_KEPT + 2):
        made.append(new_run_log(logs, start + timedelta(minutes=minutes)))
        made[-1].write_text(made[-1].name)

    kept = sorted(p.name for p in logs.glob("refresh-*.log"))
    assert kept == [p.name for p in made[-LOGS_KEPT:]]
    pointer = logs / "refresh.log"
    assert pointer.is_symlink() and pointer.read_text() == made[-1].name


def test_two_refreshes_keep_two_logs_and_leave_the_project_folder_as_it_was(
    handmade_copy, tmp_path, monkeypatch
):
    """Nothing a refresh writes outside the warehouse folder grows per run; the
    warehouse keeps dbt's parse, so its second build does not parse again."""
    monkeypatch.setenv("HIRING_DBT_REPLAY", "0")  # both builds are dbt's
    warehouse = tmp_path / "wh"
    project = PROJECT_ROOT / "dbt_project"

    def project_size() -> int:
        return sum(p.stat().st_size for p in project.rglob("*") if p.is_file())

    had_logs = (project / "logs").exists()  # a developer's own dbt runs may have made it
    first = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)
    assert first.returncode == 0, first.stdout + first.stderr
    size = project_size()
    second = run_hiring(
        "refresh", "--exports", str(handmade_copy), "--warehouse", str(warehouse),
        "--as-of", HANDMADE_AS_OF, "--force",
    )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr

    assert project_size() == size
    assert not list((project / "target").glob("hiring_dbt_models-*"))
    assert (project / "logs").exists() == had_logs
    assert list((warehouse / ".dbt" / "target").iterdir()) == []  # cleaned after the run
    assert list((warehouse / ".ingest").iterdir()) == []  # the workers' checked batches too
    assert (warehouse / ".dbt" / "partial_parse.duckdb.msgpack").is_file()
    logs = sorted((warehouse / "logs").glob("refresh-*.log"))
    # dbt's words when a parse does not fit (made for another warehouse's path)
    assert "Unable to do partial parsing" not in logs[1].read_text()
    assert len(logs) == 2
    assert all(log.stat().st_size > 0 for log in logs)  # the first was not emptied
    assert f"full log          {logs[1]}" in second.stdout
    assert (warehouse / "logs" / "refresh.log").resolve() == logs[1]


def test_a_warehouses_own_dbt_parse_comes_before_the_projects(tmp_path):
    """dbt parses everything again when a parse was made for another warehouse's
    path: a warehouse's first build takes the project's parse, later ones their own."""
    ensure_manifest(tmp_path / "warehouse.duckdb")  # the project's parse exists
    projects = project_parse().read_bytes()
    kept = tmp_path / ".dbt" / PARSE_FILE
    first, second = tmp_path / ".dbt" / "target" / "1", tmp_path / ".dbt" / "target" / "2"

    seed_partial_parse(first, kept)
    assert (first / PARSE_FILE).read_bytes() == projects
    (first / PARSE_FILE).write_bytes(b"the parse dbt made in the first build")
    keep_partial_parse(first, kept)
    seed_partial_parse(second, kept)
    assert (second / PARSE_FILE).read_bytes() == b"the parse dbt made in the first build"
    # exactly the kept parse and the runs' targets, no `.new` left (and dbt's logs when
    # ensure_manifest parsed for this warehouse's engine)
    assert {p.name for p in kept.parent.iterdir()} - {"logs"} == {PARSE_FILE, "target"}


def test_each_engine_keeps_its_own_project_parse(tmp_path, monkeypatch):
    """A parse records its profile: a Spark parse must not replace the one new DuckDB
    warehouses start from (they would each parse the whole project again)."""
    ensure_manifest(tmp_path / "warehouse.duckdb")
    duckdbs = project_parse("duckdb").read_bytes()
    monkeypatch.setenv(ENGINE_ENV, "spark")
    ensure_manifest(tmp_path / "warehouse.duckdb")

    assert project_parse() == project_parse("spark")
    assert project_parse("spark").read_bytes() != duckdbs
    assert project_parse("duckdb").read_bytes() == duckdbs
    seed_partial_parse(tmp_path / "run", tmp_path / "kept")
    assert (tmp_path / "run" / PARSE_FILE).read_bytes() == project_parse("spark").read_bytes()
    assert not list(dbt_project.manifest_path.parent.glob(".parse-*"))  # its folder removed


# -- one refresh per warehouse --------------------------------------------------------------


def test_a_second_refresh_on_a_held_warehouse_exits_3_naming_the_holder(tmp_path):
    warehouse = tmp_path / "wh"
    with warehouse_lock(warehouse):
        result = refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"another refresh (PID {os.getpid()}) holds the warehouse" in result.stderr
    assert "--wait" in result.stderr
    assert not (warehouse / "logs").exists()  # a refused refresh writes no log


def start_refresh(exports: Path, warehouse: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "refresh", "--exports", str(exports)]
        + ["--warehouse", str(warehouse), "--as-of", HANDMADE_AS_OF, *extra],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_refresh_wait_waits_for_the_holder_then_runs(tmp_path):
    warehouse = tmp_path / "wh"
    with warehouse_lock(warehouse):
        waiting = start_refresh(HANDMADE_EXPORT, warehouse, "--wait")
        line = waiting.stderr.readline()
        while line and "waiting" not in line:
            line = waiting.stderr.readline()
        assert f"waiting: another refresh (PID {os.getpid()}) holds" in line
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, out + err
    assert "Published " in out


def dbt_processes_of(warehouse_db: Path) -> list[int]:
    """PIDs of running dbt processes that write this warehouse."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"dbt" in cmdline and f"HIRING_WAREHOUSE_DB={warehouse_db}".encode() in environ:
            found.append(int(proc.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_dbt_dies_with_a_killed_refresh_and_the_next_refresh_succeeds(tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_DBT_REPLAY", "0")  # a replay runs in the refresh's own process
    warehouse = tmp_path / "wh"
    db = (warehouse / "warehouse.duckdb").resolve()
    running = start_refresh(HANDMADE_EXPORT, warehouse)
    deadline = time.monotonic() + 300
    while not (children := dbt_processes_of(db)) and running.poll() is None:
        assert time.monotonic() < deadline, "dbt never started"
        time.sleep(0.2)
    assert children, running.communicate()
    time.sleep(2)  # let dbt open the warehouse

    running.send_signal(signal.SIGKILL)
    running.communicate()
    deadline = time.monotonic() + 10
    while dbt_processes_of(db) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dbt_processes_of(db) == []

    again = refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF)
    assert again.returncode == 0, again.stdout + again.stderr
    # what the killed run's Dagster instance left in the warehouse, the next run removed
    assert not (warehouse / refresh_module.RUN_ARTIFACTS).exists()


def test_a_dbt_step_that_fails_mid_stream_stops_dbt_and_records_the_failure(tmp_path, monkeypatch):
    """An error while dbt's events stream (here: counting them for the progress line)
    ends the step. dbt's process, left running, held the warehouse's lock, and the
    failed refresh could not be added to the warehouse's history."""
    from orchestration.assets import dbt as dbt_step
    from orchestration.health import FAILED

    def broken(seen):
        raise RuntimeError("lost in the middle of dbt's stream")

    monkeypatch.setattr(dbt_step, "_counts", broken)  # in this process: no CLI here
    monkeypatch.setattr(dbt_step, "PROGRESS_SECONDS", 0.0)  # a progress line at every event
    monkeypatch.setenv("HIRING_DBT_REPLAY", "0")  # dbt's own process builds
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    warehouse = tmp_path / "wh"

    summary = refresh_module.run_refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF)

    assert not summary.published
    assert summary.failed_step == "hiring_dbt_models"
    assert dbt_processes_of((warehouse / "warehouse.duckdb").resolve()) == []
    history = query(
        warehouse / "warehouse.duckdb", "select outcome, failed_step from ops.refresh_log"
    )
    assert history == [(FAILED, "hiring_dbt_models")]
    log = (warehouse / "logs" / "refresh.log").read_text()
    assert "could not record the failed refresh" not in log


# -- rebuild, summary counts, as-of ---------------------------------------------------------


def test_rebuild_loads_every_file_again(handmade_copy, tmp_path):
    warehouse = tmp_path / "wh"
    assert refresh(handmade_copy, warehouse, HANDMADE_AS_OF).returncode == 0
    result = run_hiring(
        "refresh",
        "--exports",
        str(handmade_copy),
        "--warehouse",
        str(warehouse),
        "--as-of",
        HANDMADE_AS_OF,
        "--rebuild",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rebuild: dropping the raw layer" in result.stderr
    assert "files loaded      20  (0 unchanged, 2 optional files absent)" in result.stdout


def test_summary_counts_duplicates_and_never_prints_personal_data(handmade_copy, tmp_path):
    applications = handmade_copy / "greenhouse" / "applications.json"
    pages = json.loads(applications.read_text())
    pages[0].append(dict(pages[0][0]))  # the same application twice
    applications.write_text(json.dumps(pages))
    candidates_file = handmade_copy / "greenhouse" / "candidates.json"
    candidates = json.loads(candidates_file.read_text())
    candidates[0]["email_addresses"] = "aiko.private@example.com"  # a plain string
    candidates[0]["phone_numbers"] = "+49 30 555 0199"
    candidates_file.write_text(json.dumps(candidates))

    result = refresh(handmade_copy, tmp_path / "wh", HANDMADE_AS_OF)

    assert "duplicates        1  (resolved: the newest version kept)" in result.stdout
    printed = result.stdout + result.stderr
    for value in ("aiko.private@example.com", "555 0199", "Aiko", "Tanaka"):
        assert value not in printed


def test_an_as_of_before_the_first_event_is_refused_clearly(handmade_copy, tmp_path):
    warehouse = tmp_path / "wh"
    assert refresh(handmade_copy, warehouse, HANDMADE_AS_OF).returncode == 0
    before = digest(warehouse / "published.duckdb")

    result = refresh(handmade_copy, warehouse, "2000-01-01")

    assert result.returncode == 1, result.stdout
    failed = result.stdout.split("Refresh FAILED: nothing was published.")[1]
    assert "as_of" in failed or "as-of" in failed
    assert digest(warehouse / "published.duckdb") == before


def test_an_as_of_more_than_90_days_after_the_latest_event_publishes_with_a_warning(tmp_path):
    """The hand-made export's latest event is 2026-04-10 (EXPECTED.md): 90 days
    after it is a quiet quarter, 91 a likely typo that ages every open item."""
    warehouse = tmp_path / "wh"
    quiet = refresh(HANDMADE_EXPORT, warehouse, "2026-07-09")
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert " 3 warned" in quiet.stdout  # the export's own three (EXPECTED.md)
    assert "assert_as_of_not_long_after_latest_event" not in quiet.stdout

    late = refresh(HANDMADE_EXPORT, warehouse, "2026-07-10")

    assert late.returncode == 0, late.stdout + late.stderr
    assert "Published" in late.stdout and "(as of 2026-07-10)" in late.stdout
    assert " 4 warned" in late.stdout
    assert (
        "warning: intermediate/int_as_of_date:assert_as_of_not_long_after_latest_event (1 row:"
        " as_of 2026-07-10 is 91 days after the latest event in the data (2026-04-10))"
        in late.stdout
    )
    stored = "select problem from test_failures.assert_as_of_not_long_after_latest_event"
    assert query(warehouse / "warehouse.duckdb", stored) == [
        ("as_of 2026-07-10 is 91 days after the latest event in the data (2026-04-10)",)
    ]


def test_a_warning_whose_rows_cannot_be_read_is_still_given_with_its_count(tmp_path, monkeypatch):
    """Quoting a warning's first row helps; failing to read it does not fail the refresh."""
    from orchestration.assets import dbt as dbt_step

    def broken(*args):
        raise RuntimeError("unreadable: jane@example.com")

    monkeypatch.setattr(dbt_step, "describe_warnings", broken)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    warehouse = tmp_path / "wh"

    summary = refresh_module.run_refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF)

    assert summary.published
    assert summary.checks_warned == [  # the hand-made export's three (EXPECTED.md)
        "staging/stg_greenhouse__offers:offers_for_applications_not_in_export (1 row)",
        "staging/stg_greenhouse__stage_stays:stage_stays_for_applications_not_in_export (1 row)",
        "marts/fct_applications:hired_without_hire_date (1 row)",
    ]
    log = (warehouse / "logs" / "refresh.log").read_text()
    assert "warnings given without their rows (RuntimeError)" in log
    assert "jane@example.com" not in log


def test_a_failure_to_queue_the_export_ahead_only_loses_the_head_start(
    tmp_path, monkeypatch, caplog
):
    """Queueing every source's files at the start is a head start, not a step: when it
    fails, the refresh goes on and each source's load checks its own files."""
    from orchestration import refresh
    from orchestration.ingest import loader
    from orchestration.resources import WarehouseResource

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(loader, "queue_export", broken)
    warehouse = WarehouseResource(exports_dir=str(tmp_path / "e"), warehouse_dir=str(tmp_path))
    with caplog.at_level("INFO", logger="hiring.progress"):
        refresh._queue_export(warehouse)
    assert "ingest: files not queued ahead (OSError: disk full" in caplog.text


def test_a_long_part_says_how_far_it_has_got_every_interval_and_a_short_one_nothing(
    monkeypatch,
):
    """Progress lines (a large file, dbt's build) come PROGRESS_SECONDS after the part
    began, then as often, whatever the number of events in between."""
    from orchestration import progress

    clock = iter([100.0, 101.0, 104.9, 105.0, 106.0, 109.0, 112.5])
    monkeypatch.setattr(progress, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    pace = progress.Pace(5.0)  # begins at 100.0
    assert [pace.due() for _ in range(6)] == [None, None, 5.0, None, None, 12.5]


def test_the_cycle_collector_is_set_back_after_a_refresh_even_a_failed_one():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), refresh_module._fewer_collections():
        assert gc.get_threshold() != before
        gc.freeze()  # as the refresh does once it is set up
        assert gc.get_freeze_count() > 0
        raise RuntimeError("a refresh that failed")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # what setup made is collectable again
