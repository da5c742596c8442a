"""The meta_* tables the Data health page reads, as publish writes them.

Expected values are counted by hand on tests/fixtures/handmade_export: 12 Greenhouse
files (11 JSON + application_stages.jsonl) and 8 people CSVs, none with a bad row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import check_meanings, health
from orchestration.publish import publish_snapshot
from tests.conftest import query

GREENHOUSE_FILES = 12
PEOPLE_FILES = 8


def test_the_history_holds_the_refresh_that_published(handmade_published: Path) -> None:
    (load_id, rows_loaded, rows_quarantined) = query(
        handmade_published, "select load_id, rows_loaded, rows_quarantined from meta_snapshot"
    )[0]
    history = query(
        handmade_published,
        "select load_id, outcome, failed_step, as_of_date::varchar, files_loaded, rows_loaded,"
        " rows_quarantined from meta_refresh_history",
    )
    assert history == [
        (
            load_id,
            "published",
            None,
            "2026-03-31",
            GREENHOUSE_FILES + PEOPLE_FILES,
            rows_loaded,
            rows_quarantined,
        )
    ]
    assert rows_quarantined == 0


def test_every_file_behind_the_snapshot_is_listed_with_its_counts(
    handmade_published: Path,
) -> None:
    by_source = query(
        handmade_published,
        "select source_system, count(*), bool_and(loaded_this_refresh), sum(rows_quarantined)"
        " from meta_loaded_files group by all order by 1",
    )
    assert by_source == [
        ("greenhouse", GREENHOUSE_FILES, True, 0),
        ("people", PEOPLE_FILES, True, 0),
    ]
    rows = dict(
        query(
            handmade_published,
            "select file, rows_loaded from meta_loaded_files where file in (?, ?, ?, ?)",
            [
                "greenhouse/departments.json",  # Engineering and Sales
                "greenhouse/rejection_reasons.json",  # 3 reasons, one per line
                "people/employees.csv",  # 5 employees under the header
                "greenhouse/offers.json",  # JSON Lines: 10 offers
            ],
        )
    )
    assert rows == {
        "greenhouse/departments.json": 2,
        "greenhouse/rejection_reasons.json": 3,
        "people/employees.csv": 5,
        "greenhouse/offers.json": 10,
    }


def test_checks_list_each_file_validation_the_dbt_tests_and_the_statistics_checks(
    handmade_published: Path,
) -> None:
    validation = query(
        handmade_published,
        "select check_name, status, count(*), sum(failing_rows) from meta_check_results"
        " where check_type = 'validation' group by all",
    )
    assert validation == [("rows_valid", "pass", GREENHOUSE_FILES + PEOPLE_FILES, 0)]
    dbt = dict(
        query(
            handmade_published,
            "select check_name, status from meta_check_results where check_type = 'dbt test'",
        )
    )
    assert dbt["primary_key_fct_applications_application_id"] == "pass"
    assert set(dbt.values()) <= {"pass", "warn"}  # a failing test stops the refresh
    target = query(
        handmade_published,
        "select target, failing_rows from meta_check_results"
        " where check_name = 'primary_key_fct_applications_application_id'",
    )
    assert target == [("fct_applications", 0)]
    statistics = query(
        handmade_published,
        "select check_name, target, status, failing_rows from meta_check_results"
        " where check_type = 'statistics' order by target",
    )
    assert statistics == [
        ("contract", "fct_program_effect", "pass", 0),
        ("contract", "fct_selection_rates", "pass", 0),
    ]
    # every check says what it requires; a singular test reading one model is on it
    meanings = dict(
        query(
            handmade_published,
            "select check_name || ' on ' || target, meaning from meta_check_results",
        )
    )
    assert None not in meanings.values()
    assert meanings["primary_key_fct_applications_application_id on fct_applications"] == (
        "application_id identifies each row: never null, never repeated."
    )
    assert meanings["assert_as_of_not_before_first_event on int_as_of_date"].startswith(
        "The as-of date is not before the first event in the data"
    )
    assert meanings["rows_valid on greenhouse/jobs.json"] == check_meanings.ROWS_VALID
    assert meanings["contract on fct_selection_rates"] == check_meanings.STATISTICS_CONTRACT


def test_health_tables_hold_names_and_counts_only(handmade_published: Path) -> None:
    columns = {
        (table, column)
        for table, column in query(
            handmade_published,
            "select table_name, column_name from duckdb_columns() where table_name in"
            " ('meta_refresh_history', 'meta_loaded_files', 'meta_check_results')",
        )
    }
    names = {column for _, column in columns}
    assert not names & {"value", "record", "reason", "message", "email", "name", "candidate_id"}


@pytest.fixture
def warehouse_copy(handmade_published: Path, tmp_path: Path) -> Path:
    """A private copy of the hand-made warehouse and its snapshot, to publish again."""
    shutil.copy(handmade_published, tmp_path / "published.duckdb")
    return Path(shutil.copy(handmade_published.parent / "warehouse.duckdb", tmp_path))


def test_a_failed_refresh_is_kept_and_the_next_publish_appends(warehouse_copy: Path) -> None:
    published = warehouse_copy.parent / "published.duckdb"
    health.record_refresh(warehouse_copy, "run-2", health.FAILED, failed_step="hiring_dbt_models")
    publish_snapshot(warehouse_copy, published, "run-3")

    history = query(
        published,
        "select load_id, outcome, failed_step, as_of_date::varchar, files_loaded"
        " from meta_refresh_history",
    )
    assert [row[1:] for row in history] == [
        ("published", None, "2026-03-31", GREENHOUSE_FILES + PEOPLE_FILES),
        ("failed", "hiring_dbt_models", None, 0),  # loaded nothing new, published nothing
        ("published", None, "2026-03-31", 0),
    ]
    assert [row[0] for row in history][1:] == ["run-2", "run-3"]
    # Nothing new was loaded: every file is kept from the first refresh.
    assert query(published, "select count(*) from meta_loaded_files where loaded_this_refresh") == [
        (0,)
    ]
    # The dbt tests belong to the first refresh, not to run-3 (which ran no dbt here).
    assert query(
        published, "select count(*) from meta_check_results where check_type = 'dbt test'"
    ) == [(0,)]


def test_a_publish_that_fails_keeps_the_snapshot_and_says_so(warehouse_copy: Path) -> None:
    published = warehouse_copy.parent / "published.duckdb"
    before = published.read_bytes()
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("drop schema marts cascade")

    with pytest.raises(RuntimeError, match="nothing to publish"):
        publish_snapshot(warehouse_copy, published, "run-4")

    assert published.read_bytes() == before
    assert query(
        warehouse_copy,
        "select outcome, failed_step from ops.refresh_log where load_id = 'run-4'",
    ) == [("failed", "published_snapshot")]


def test_dbt_results_become_names_statuses_and_counts() -> None:
    run_results = {
        "results": [
            {
                "unique_id": "test.hiring_analytics.not_null_jobs_id.1a2b",
                "status": "pass",
                "failures": 0,
                "message": None,
            },
            {
                "unique_id": "test.hiring_analytics.assert_mapped.9f",
                "status": "warn",
                "failures": 3,
                "message": "Got 3 results: jane@example.com",
            },
            {"unique_id": "model.hiring_analytics.fct_jobs", "status": "success"},
            {"unique_id": "unit_test.hiring_analytics.fct_jobs.case", "status": "pass"},
        ]
    }
    manifest = {
        "nodes": {
            "test.hiring_analytics.not_null_jobs_id.1a2b": {
                "name": "not_null_jobs_id",
                "attached_node": "model.hiring_analytics.fct_jobs",
                "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id"}},
            }
        }
    }
    assert health.dbt_test_rows(run_results, manifest) == [
        ("assert_mapped", None, "warn", 3, "Assert mapped."),  # not in the manifest
        ("not_null_jobs_id", "fct_jobs", "pass", 0, "id is never null."),
    ]


def test_the_cli_adds_a_refresh_that_failed_before_publish(warehouse_copy: Path) -> None:
    from orchestration.refresh import _record_failure
    from orchestration.resources import WarehouseResource

    warehouse = WarehouseResource(
        exports_dir=str(warehouse_copy.parent), warehouse_dir=str(warehouse_copy.parent)
    )
    _record_failure(warehouse, "run-5", "ingest_greenhouse")

    assert query(
        warehouse_copy,
        "select outcome, failed_step, as_of_date, files_loaded, rows_loaded"
        " from ops.refresh_log where load_id = 'run-5'",
    ) == [("failed", "ingest_greenhouse", None, 0, 0)]
