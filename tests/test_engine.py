"""The engine switch and the hand-over between DuckDB and Spark, without starting Spark.

Spark reads the raw layer from Parquet written by DuckDB, and DuckDB reads the
marts back from Parquet written by Spark; both directions must keep every
value and type (tests/test_spark_parity.py checks the whole round trip).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.engine import (
    DUCKDB_MEMORY_ENV,
    ENGINE_ENV,
    connect_duckdb,
    copy_spark_marts,
    current_engine,
    export_raw_table,
    ingest_memory_limit,
    insert_rows,
    metastore_busy,
    metastore_holder,
    raw_parquet_dir,
    spark_tables_dir,
)
from orchestration.ingest import raw_store


def test_engine_defaults_to_duckdb_and_refuses_an_unknown_one(monkeypatch):
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    assert current_engine() == "duckdb"
    monkeypatch.setenv(ENGINE_ENV, "Spark")
    assert current_engine() == "spark"
    monkeypatch.setenv(ENGINE_ENV, "postgres")
    with pytest.raises(ValueError, match="expected one of duckdb, spark"):
        current_engine()


@pytest.mark.parametrize(
    ("limit", "share"),
    [
        (None, "750MB"),  # the default, 1500MB
        ("1500MB", "750MB"),
        ("3GB", "1500MB"),
        ("4GiB", "2147MB"),
        (" 0.5 gb ", "250MB"),
        ("80%", "80%"),  # not a size this reads: DuckDB's to read, used whole
    ],
)
def test_ingest_takes_half_of_duckdbs_memory_limit(monkeypatch, limit, share):
    monkeypatch.delenv(DUCKDB_MEMORY_ENV, raising=False)
    if limit is not None:
        monkeypatch.setenv(DUCKDB_MEMORY_ENV, limit)
    assert ingest_memory_limit() == share


def test_the_loaders_connection_uses_the_ingest_share(monkeypatch, tmp_path):
    monkeypatch.setenv(DUCKDB_MEMORY_ENV, "1000MB")
    con = raw_store.connect(tmp_path / "warehouse.duckdb")
    try:
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    assert limit == "476.8 MiB"  # 500 MB, as DuckDB prints it


def test_the_pipelines_connections_draw_no_progress_bar(tmp_path):
    # DuckDB draws it on the process's stdout for any query over 2 s
    path = tmp_path / "w.duckdb"
    with connect_duckdb(path) as con:
        assert con.execute("select current_setting('enable_progress_bar')").fetchone() == (False,)
    with connect_duckdb(path, read_only=True) as con:
        assert con.execute("select current_setting('enable_progress_bar')").fetchone() == (False,)
    with raw_store.connect(path) as con:
        assert con.execute("select current_setting('enable_progress_bar')").fetchone() == (False,)


def test_insert_rows_appends_python_rows_as_typed_in_order():
    con = duckdb.connect()
    con.execute("create table t (name varchar, n bigint, note varchar)")
    columns = ("name", "n", "note")  # a column all null, or of numbers, takes its type
    insert_rows(con, "t", columns, [("it's", None, None), ("b", 2**40, None)])
    insert_rows(con, "t", columns, [])  # nothing to add
    insert_rows(con, "t", columns, [(7, 3, "c")])
    assert con.execute("select * from t").fetchall() == [
        ("it's", None, None),
        ("b", 2**40, None),
        ("7", 3, "c"),
    ]


def test_raw_table_is_written_as_parquet_spark_reads(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    con.execute("create schema raw_greenhouse")
    con.execute(
        "create table raw_greenhouse.jobs (id bigint, name varchar, opened_at timestamp, _extra json)"
    )
    con.execute(
        "insert into raw_greenhouse.jobs values"
        " (1, 'Engineer', '2026-01-31 23:30:00', '{\"a\": [1, 2]}'), (2, null, null, null)"
    )
    folder = export_raw_table(con, "raw_greenhouse.jobs", tmp_path)
    con.close()

    assert folder == raw_parquet_dir(tmp_path) / "raw_greenhouse" / "jobs"
    assert [p.name for p in folder.iterdir()] == ["part-0.parquet"]  # no temporary file left
    table = pq.read_table(folder / "part-0.parquet")
    # a UTC instant (Spark's TIMESTAMP), not a naive time (Spark's TIMESTAMP_NTZ)
    assert str(table.schema.field("opened_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("_extra").type) == "string"
    assert table.to_pylist() == [
        {
            "id": 1,
            "name": "Engineer",
            "opened_at": datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
            "_extra": '{"a": [1, 2]}',
        },
        {"id": 2, "name": None, "opened_at": None, "_extra": None},
    ]


def test_spark_marts_replace_the_warehouse_marts_with_naive_utc_times(tmp_path):
    mart = spark_tables_dir(tmp_path) / "marts.db" / "fct_x"
    mart.mkdir(parents=True)
    src = duckdb.connect()
    src.execute("set TimeZone = 'UTC'")
    src.execute(
        f"copy (select 7::int as n, 0.25::double as rate, 'a' as label,"
        f" '2026-03-01 00:30:00+00'::timestamptz as at, '2026-03-01'::date as day)"
        f" to '{mart}/part-00000.parquet' (format parquet)"
    )
    warehouse_db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse_db))
    con.execute("create schema marts")
    con.execute("create table marts.stale as select 1 as x")  # from an earlier build
    con.close()

    assert copy_spark_marts(warehouse_db, tmp_path) == {"fct_x": 1}

    con = duckdb.connect(str(warehouse_db), read_only=True)
    tables = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts'"
    ).fetchall()
    types = con.execute("describe marts.fct_x").fetchall()
    row = con.execute("select * from marts.fct_x").fetchone()
    con.close()
    assert tables == [("fct_x",)]
    assert [(name, kind) for name, kind, *_ in types] == [
        ("n", "INTEGER"),
        ("rate", "DOUBLE"),
        ("label", "VARCHAR"),
        ("at", "TIMESTAMP"),
        ("day", "DATE"),
    ]
    assert row == (7, 0.25, "a", datetime(2026, 3, 1, 0, 30), datetime(2026, 3, 1).date())


def test_no_spark_marts_is_an_error_not_an_empty_publish(tmp_path):
    with pytest.raises(RuntimeError, match="Spark built no marts"):
        copy_spark_marts(tmp_path / "warehouse.duckdb", tmp_path)


def test_a_metastore_held_by_another_jvm_is_recognized():
    assert metastore_busy("ERROR XSDB6: Another instance of Derby may have already booted")
    assert not metastore_busy("AnalysisException: Table or view not found")


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""


def test_the_process_holding_the_metastore_lock_is_named(tmp_path):
    warehouse = tmp_path / "wh"
    assert metastore_holder(warehouse) is None  # no metastore yet
    lock = spark_tables_dir(warehouse).parent / "metastore_db" / "dbex.lck"
    lock.parent.mkdir(parents=True)
    lock.write_text("lock")
    assert metastore_holder(warehouse) is None  # left by a JVM that ended: free

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert metastore_holder(warehouse) == holder.pid
    finally:
        holder.kill()
        holder.wait()
    assert metastore_holder(warehouse) is None
