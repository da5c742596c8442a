"""The demo export built on Apache Spark publishes the same marts as on DuckDB.

Both refreshes read the committed demo export; the Spark one runs every model,
seed and data test through dbt-spark in a local session (docs/spark.md). Every
published table must hold the same rows with the same column types, so the
dashboards and the deck cannot tell the engines apart. Floats agree to a
relative 1e-9: the engines sum and interpolate in different orders, nothing
more. Only the refresh's own bookkeeping (when it ran, its run id) differs.

The Spark refresh takes minutes (a JVM, then node by node); it is marked
`spark` and `slow`.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

pytestmark = [pytest.mark.spark, pytest.mark.slow]

FLOAT_REL_TOL = 1e-9
# Columns that record the run, not the data.
RUN_COLUMNS = {
    "meta_snapshot": {"published_at", "load_id"},
    "meta_quarantine_summary": {"last_seen_at"},
    "meta_loaded_files": {"load_id", "loaded_at"},
    "meta_refresh_history": {"load_id", "refreshed_at"},
}


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where schema_name = 'main' and not internal order by table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[tuple]:
    listed = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f'select {listed} from main."{table}" order by all').fetchall()


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=FLOAT_REL_TOL)
    return a == b


@pytest.fixture(scope="module")
def both(demo_published: Path, demo_refresh_spark):
    duck = duckdb.connect(str(demo_published), read_only=True)
    spark = duckdb.connect(str(demo_refresh_spark.published), read_only=True)
    yield duck, spark
    duck.close()
    spark.close()


def test_spark_refresh_reports_its_engine_and_publishes(demo_refresh_spark):
    assert "on spark" in demo_refresh_spark.result.stdout
    assert "Published" in demo_refresh_spark.result.stdout


def test_same_tables_and_column_types(both):
    duck, spark = both
    assert _tables(spark) == _tables(duck)


def test_same_as_of_date(both):
    duck, spark = both
    sql = "select cast(as_of_date as varchar) from meta_as_of"
    assert spark.execute(sql).fetchall() == duck.execute(sql).fetchall()


def test_every_published_row_is_the_same(both):
    duck, spark = both
    tables = _tables(duck)
    assert len(tables) > 20
    differences = []
    for table, columns in tables.items():
        names = [c for c, _ in columns if c not in RUN_COLUMNS.get(table, set())]
        expected, actual = _rows(duck, table, names), _rows(spark, table, names)
        if len(expected) != len(actual):
            differences.append(f"{table}: {len(actual)} rows on Spark, {len(expected)} on DuckDB")
            continue
        for want, got in zip(expected, actual, strict=True):
            if not all(_same(a, b) for a, b in zip(want, got, strict=True)):
                differences.append(f"{table}: DuckDB {want} != Spark {got}")
                break
    assert not differences, "\n".join(differences)
