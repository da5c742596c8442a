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

from pathlib import Path

import duckdb
import pytest

from tests.snapshot_compare import differences, tables

pytestmark = [pytest.mark.spark, pytest.mark.slow]

FLOAT_REL_TOL = 1e-9
# Columns that record the run, not the data.
RUN_COLUMNS = {
    "meta_snapshot": {"published_at", "load_id"},
    "meta_quarantine_summary": {"last_seen_at"},
    "meta_loaded_files": {"load_id", "loaded_at"},
    "meta_refresh_history": {"load_id", "refreshed_at"},
}


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
    assert tables(spark) == tables(duck)


def test_same_as_of_date(both):
    duck, spark = both
    sql = "select cast(as_of_date as varchar) from meta_as_of"
    assert spark.execute(sql).fetchall() == duck.execute(sql).fetchall()


def test_every_published_row_is_the_same(both):
    duck, spark = both
    assert len(tables(duck)) > 20
    found = differences(duck, spark, FLOAT_REL_TOL, skip_columns=RUN_COLUMNS)
    assert not found, "\n".join(found)
