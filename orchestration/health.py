"""What the warehouse remembers about its refreshes, for the Data health page.

Three tables in the warehouse's `ops` schema, which `hiring refresh --rebuild` keeps
(it drops only the `raw*` schemas), so the history outlives a rebuilt raw layer:

- `ops.refresh_log`: one row per refresh that published or failed, with its
  counts; publish copies it into the snapshot as `meta_refresh_history`. A failed
  refresh adds its row and never touches the published file, so the history there
  only grows with each publish.
- `ops.dbt_test_results`: the data tests of the latest dbt build, read from its
  run_results.json before that folder is removed; publish copies this refresh's.
- `ops.statistics_checks`: the statistics step's checks of its output tables
  (columns, types, no hidden value shown); publish copies this refresh's too.

Names of checks and files, counts and what each check requires (static text,
orchestration/check_meanings.py) only: a test's message or failing rows may
quote a candidate's data, so they stay out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.check_meanings import dbt_test_meaning, dbt_test_target
from orchestration.engine import connect_duckdb, insert_rows

OPS_SCHEMA = "ops"
PUBLISHED = "published"
FAILED = "failed"

REFRESH_LOG_COLUMNS = {
    "load_id": "varchar",  # the refresh's run id, as raw.load_log holds it
    "refreshed_at": "timestamp",  # UTC: when it published, or when its failure was recorded
    "outcome": "varchar",  # published | failed
    "failed_step": "varchar",  # the step that failed (null when published)
    "as_of_date": "date",  # the snapshot's as-of date (null when nothing was published)
    "files_loaded": "bigint",  # export files read and loaded (unchanged files are skipped)
    "rows_loaded": "bigint",
    "rows_quarantined": "bigint",
}

DBT_TEST_COLUMNS = {
    "load_id": "varchar",
    "test_name": "varchar",
    "model": "varchar",  # the model, seed or source table the test checks (check_meanings)
    "status": "varchar",  # pass | warn | fail | error | skipped, as dbt reports it
    "failing_rows": "bigint",
    "meaning": "varchar",  # what the test requires, in a sentence (check_meanings)
}

STATISTICS_CHECK_COLUMNS = {
    "load_id": "varchar",
    "check_name": "varchar",
    "target": "varchar",  # the table checked
    "status": "varchar",  # pass | fail
    "failing_rows": "bigint",  # hidden rows that show a value
}


def _ensure(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    """Create the table, adding the columns a warehouse of an older version lacks."""
    con.execute(f"create schema if not exists {OPS_SCHEMA}")
    declared = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    con.execute(f"create table if not exists {OPS_SCHEMA}.{table} ({declared})")
    for name, sql_type in columns.items():
        con.execute(f"alter table {OPS_SCHEMA}.{table} add column if not exists {name} {sql_type}")


def record_refresh(
    warehouse_db: Path,
    load_id: str,
    outcome: str,
    *,
    failed_step: str | None = None,
    at: datetime | None = None,
) -> None:
    """Write (or overwrite) the refresh's row, its counts read from raw.load_log.

    A published refresh's as-of date is the marts' (marts.meta_as_of); a failed
    refresh published nothing, so it has none.
    """
    at = at or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    con = connect_duckdb(warehouse_db)
    try:
        _ensure(con, "refresh_log", REFRESH_LOG_COLUMNS)
        _ensure(con, "dbt_test_results", DBT_TEST_COLUMNS)  # publish reads both
        loads = (
            "select count(*), sum(rows_loaded), sum(rows_quarantined)"
            " from raw.load_log where load_id = $load_id"
            if _has_table(con, "raw", "load_log")
            else "select 0, 0, 0"
        )
        as_of = (
            "(select max(as_of_date) from marts.meta_as_of)"
            if outcome == PUBLISHED and _has_table(con, "marts", "meta_as_of")
            else "null"
        )
        con.execute("begin transaction")
        con.execute(
            f"delete from {OPS_SCHEMA}.refresh_log where load_id = $load_id", {"load_id": load_id}
        )
        con.execute(
            f"""
            insert into {OPS_SCHEMA}.refresh_log ({", ".join(REFRESH_LOG_COLUMNS)})
            select
                $load_id, $at, $outcome, $failed_step, cast({as_of} as date),
                coalesce(files, 0), coalesce(rows_loaded, 0), coalesce(rows_quarantined, 0)
            from ({loads}) as loads (files, rows_loaded, rows_quarantined)
            """,
            {
                "load_id": load_id,
                "at": at,
                "outcome": outcome,
                "failed_step": failed_step,
            },
        )
        con.execute("commit")
    finally:
        con.close()


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database()"
            " and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def dbt_test_rows(run_results: dict, manifest: dict | None = None) -> list[tuple]:
    """(test name, model, status, failing rows, meaning) of each data test in a dbt
    run_results.json; the model and meaning from the manifest (check_meanings). Unit
    tests are not data checks: left out.
    """
    nodes = (manifest or {}).get("nodes", {})
    rows = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test."):
            continue
        node = {"name": unique_id.split(".")[2], **nodes.get(unique_id, {})}
        failures = result.get("failures")
        rows.append(
            (
                node["name"],
                dbt_test_target(node),
                result.get("status"),
                None if failures is None else int(failures),
                dbt_test_meaning(node),
            )
        )
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def record_dbt_tests(warehouse_db: Path, load_id: str, target: Path) -> int:
    """Replace ops.dbt_test_results with the tests of the dbt build in `target`; rows written.

    A build that did not finish (no run_results.json) records nothing and keeps
    the previous build's results, whose load id says which refresh they belong to.
    """
    results = target / "run_results.json"
    if not results.is_file():
        return 0
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else None
    rows = dbt_test_rows(json.loads(results.read_text()), manifest)
    con = connect_duckdb(warehouse_db)
    try:
        _replace(con, "dbt_test_results", DBT_TEST_COLUMNS, [(load_id, *row) for row in rows])
    finally:
        con.close()
    return len(rows)


def record_statistics_checks(
    con: duckdb.DuckDBPyConnection, load_id: str, rows: list[tuple[str, str, str, int]]
) -> None:
    """Replace ops.statistics_checks with this refresh's (check, table, status, failing rows)."""
    _replace(con, "statistics_checks", STATISTICS_CHECK_COLUMNS, [(load_id, *r) for r in rows])


def _replace(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[tuple]
) -> None:
    _ensure(con, table, columns)
    con.execute("begin transaction")
    con.execute(f"delete from {OPS_SCHEMA}.{table}")
    insert_rows(con, f"{OPS_SCHEMA}.{table}", columns, rows)
    con.execute("commit")
