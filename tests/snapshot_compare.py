"""Compare two published snapshots table by table: the same rows, floats to a tolerance.

Two builds of the same data can sum floats in different orders (another engine,
rows merged in another order), which moves the last bits of a mean and nothing
more; every other value must be exactly equal.
"""

from __future__ import annotations

import math

import duckdb


def tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each table of the snapshot's main schema, with its (column, type) in order."""
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where schema_name = 'main' and not internal order by table_name, column_index"
    ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    return found


def rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[tuple]:
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f'select {listed} from main."{table}" order by all').fetchall()


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
        want, got = rows(expected, table, names), rows(actual, table, names)
        if len(want) != len(got):
            found.append(f"{table}: {len(got)} rows, expected {len(want)}")
            continue
        for w, g in zip(want, got, strict=True):
            if not all(same(a, b, rel_tol) for a, b in zip(w, g, strict=True)):
                found.append(f"{table}: expected {w}, got {g}")
                break
    return found
