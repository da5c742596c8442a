"""Compare two published snapshots table by table: the same rows, floats to a tolerance.

Two builds of the same data can sum floats in different orders (another engine,
rows merged in another order), which moves the last bits of a mean and nothing
more; every other value must be exactly equal.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb


def tables(
    con: duckdb.DuckDBPyConnection, database: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Each table of the snapshot's main schema, with its (column, type) in order."""
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where schema_name = 'main' and not internal"
        " and database_name = coalesce(?, current_database())"
        " order by table_name, column_index",
        [database],
    ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    return found


def rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str], schema: str = "main"
) -> list[tuple]:
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f'select {listed} from {schema}."{table}" order by all').fetchall()


def same(a, b, rel_tol: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=rel_tol)
    return a == b


def differences(
    expected: duckdb.DuckDBPyConnection,
    actual: duckdb.DuckDBPyConnection,
    rel_tol: float,
    skip_columns: dict[str, set[str]] | None = None,
    skip_table=lambda name: False,
) -> list[str]:
    """One line per table whose rows differ (the first differing row), none when equal."""
    found = []
    for table, columns in tables(expected).items():
        if skip_table(table):
            continue
        names = [c for c, _ in columns if c not in (skip_columns or {}).get(table, set())]
        found += _table_differences(
            table, rows(expected, table, names), rows(actual, table, names), rel_tol
        )
    return found


def file_differences(expected: Path, actual: Path, rel_tol: float, skip_table) -> list[str]:
    """`differences` of two snapshot files, at any size: a table whose rows are exactly
    equal (SQL `except all`, both ways) is not read into Python at all."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    for name, path in (("expected", expected), ("actual", actual)):
        con.execute(f"attach '{path}' as {name} (read_only)")
    want_tables, got_tables = tables(con, "expected"), tables(con, "actual")
    if want_tables != got_tables:
        return [f"tables differ: {sorted(set(want_tables) ^ set(got_tables)) or 'columns'}"]
    found = []
    for table, columns in want_tables.items():
        if skip_table(table):
            continue
        names = [c for c, _ in columns]
        listed = ", ".join(f'"{c}"' for c in names)
        want, got = f'expected.main."{table}"', f'actual.main."{table}"'
        unmatched = con.execute(
            f"select count(*) from ((select {listed} from {want} except all"
            f" select {listed} from {got}) union all (select {listed} from {got}"
            f" except all select {listed} from {want}))"
        ).fetchall()[0][0]
        if unmatched:
            found += _table_differences(
                table,
                rows(con, table, names, "expected.main"),
                rows(con, table, names, "actual.main"),
                rel_tol,
            )
    con.close()
    return found


def _table_differences(
    table: str, want: list[tuple], got: list[tuple], rel_tol: float
) -> list[str]:
    if len(want) != len(got):
        return [f"{table}: {len(got)} rows, expected {len(want)}"]
    for w, g in zip(want, got, strict=True):
        if not all(same(a, b, rel_tol) for a, b in zip(w, g, strict=True)):
            return [f"{table}: expected {w}, got {g}"]
    return []


def records_the_runs(table: str) -> bool:
    """The data-health tables: which files loaded when, and the refreshes themselves,
    which differ between two warehouses however equal their data."""
    return table.startswith("meta_")
