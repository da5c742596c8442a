"""`hiring refresh` end to end: summary, idempotence, and failures that publish nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import HANDMADE_AS_OF, HANDMADE_EXPORT, query, refresh, run_hiring

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_refresh_prints_its_summary_and_publishes(demo_refresh):
    out = demo_refresh.result.stdout
    assert "Refresh summary" in out
    assert "files loaded      22  (0 unchanged, 0 optional files absent)" in out
    assert "rows quarantined  0" in out
    assert " 0 failed" in out
    assert f"Published {demo_refresh.published}" in out
    # progress per step goes to stderr
    assert "ingest greenhouse" in demo_refresh.result.stderr
    assert "dbt build" in demo_refresh.result.stderr
    tables = {t for (t,) in query(demo_refresh.published, "select table_name from duckdb_tables()")}
    assert {
        "fct_applications",
        "fct_application_stages",
        "fct_openings",
        "kpi_time_to_hire",
        "kpi_time_to_fill",
        "kpi_offer_acceptance",
        "kpi_stage_pass_through",
        "kpi_source_of_hire",
        "kpi_open_openings",
        "meta_as_of",
        "meta_snapshot",
    } <= tables
    # every generated application reaches the mart
    assert query(demo_refresh.published, "select count(*) from fct_applications") == [(2000,)]
    assert query(
        demo_refresh.published, "select rows_loaded, rows_quarantined from meta_snapshot"
    ) == [(17607, 0)]


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
    before = query(warehouse / "published.duckdb", "select * from fct_applications order by all")
    second = refresh(handmade_copy, warehouse, HANDMADE_AS_OF)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "rows loaded       0" in second.stdout
    assert "files loaded      0  (11 unchanged, 11 optional files absent)" in second.stdout
    assert (
        query(warehouse / "published.duckdb", "select * from fct_applications order by all")
        == before
    )


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
        "source greenhouse: stage 'Vibe Check' is not in seeds/stage_mapping.csv" in result.stdout
    )
    assert digest(published) == before


def test_cli_help_and_usage_errors():
    for command in ([], ["generate"], ["refresh"], ["dashboard"], ["demo"]):
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


def test_a_freshly_generated_export_refreshes_and_publishes(tmp_path):
    export, warehouse = tmp_path / "export", tmp_path / "wh"
    generated = run_hiring(
        "generate", "--out", str(export), "--applications", "300", "--seed", "11"
    )
    assert generated.returncode == 0, generated.stderr
    assert "Wrote 22 files" in generated.stdout
    result = refresh(export, warehouse)
    assert result.returncode == 0, result.stdout + result.stderr
    assert query(warehouse / "published.duckdb", "select count(*) from fct_applications") == [
        (300,)
    ]


def test_a_bad_row_is_quarantined_named_and_the_rest_published(handmade_copy, tmp_path):
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
        " item 1: status: 'paused' is not one of: open, closed, draft)"
    ) in result.stdout
    assert query(
        warehouse / "warehouse.duckdb", "select file, line, field, value from raw.quarantine"
    ) == [("greenhouse/jobs.json", 1, "status", "paused")]
    assert query(
        warehouse / "published.duckdb", "select entity, field, rows from meta_quarantine_summary"
    ) == [("jobs", "status", 1)]
    # the other two jobs are published
    assert query(
        warehouse / "published.duckdb", "select count(distinct job_id) from fct_openings"
    ) == [(2,)]
