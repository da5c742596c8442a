"""The SQL engine dbt builds the warehouse with: DuckDB (default) or Apache Spark.

`HIRING_ENGINE` (or `hiring refresh --engine`) picks it; dbt_project/profiles.yml
reads the same variable to pick its output. Ingest, the load log and the
quarantine stay in warehouse.duckdb whatever the engine: for Spark the raw
tables are also written as Parquet files (from the same validated rows), which
dbt registers as tables when a run starts (macros/register_raw_tables.sql).
After the build, the marts Spark wrote are copied back into warehouse.duckdb,
so the statistics step, publish and the dashboards read one contract: the
published snapshot.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the CLI reads ENGINES and must start fast
    import duckdb

ENGINE_ENV = "HIRING_ENGINE"
ENGINES = ("duckdb", "spark")
SPARK_DIR = "spark"  # inside the warehouse folder: tables, raw Parquet, metastore
MARTS_SCHEMA = "marts"
# Also read from warehouse.duckdb: a mart kept out of the published snapshot
# (models/marts/experience) and the rows of warning tests (dbt_project.yml).
OTHER_SCHEMAS = ("marts_restricted", "test_failures")
# The one JVM that may open the embedded (Derby) metastore at a time.
METASTORE_BUSY_MARKERS = (
    "XSDB6",
    "Another instance of Derby may have already booted",
    "Unable to instantiate org.apache.hadoop.hive.ql.metadata.SessionHiveMetaStoreClient",
)


# How much memory DuckDB may take before it spills to disk, in the connections
# that build the warehouse (ingest and dbt). DuckDB's default is 80% of the
# machine: at 1M applications dbt alone peaked at 4 GB; at 1500MB, 1.8 GB.
DUCKDB_MEMORY_ENV = "HIRING_DUCKDB_MEMORY"
DUCKDB_MEMORY_DEFAULT = "1500MB"


def duckdb_memory_limit() -> str:
    return os.environ.get(DUCKDB_MEMORY_ENV, "").strip() or DUCKDB_MEMORY_DEFAULT


_BYTES_PER_UNIT = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}
_BYTES_PER_UNIT |= {"KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def connect_duckdb(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection of the pipeline to a DuckDB file, without DuckDB's progress bar.

    DuckDB draws the bar for any query over 2 s on the process's own stdout, past
    any redirection of sys.stdout and into any file: at 1M applications it cut
    through the refresh's progress lines. (The option is per connection; dbt's is
    set in profiles.yml.)
    """
    import duckdb

    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set enable_progress_bar = false")
    return con


def insert_rows(con, table: str, columns: Iterable[str], rows: list[tuple]) -> None:
    """Append Python rows to `table`'s `columns` in one statement, each column sent as a
    list and cast to the table's type by the insert: `executemany` runs the insert once
    per row (170 dbt test results: 0.15 s, now a few ms)."""
    if not rows:
        return
    names = list(columns)
    values = [list(column) for column in zip(*rows, strict=True)]
    select = ", ".join(f"unnest(${i})" for i in range(1, len(names) + 1))
    con.execute(f"insert into {table} ({', '.join(names)}) select {select}", values)


def ingest_memory_limit() -> str:
    """The loader's DuckDB share: half of `duckdb_memory_limit()`.

    The loader only appends checked batches and joins keys; beside it, at 1M
    applications, worker processes check the files (orchestration/ingest/checked.py).
    With the whole limit, DuckDB's cache of the rows just written put the process
    tree at 3.1 GB; with half, 2.7 GB, for a few seconds more of ingest (benchmark,
    1M: Greenhouse 70 s -> 74 s). A limit this cannot read (DuckDB's own spelling,
    e.g. `80%`) is used whole.
    """
    limit = duckdb_memory_limit()
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", limit)
    if match is None or match[2].upper() not in _BYTES_PER_UNIT:
        return limit
    return f"{max(1, round(float(match[1]) * _BYTES_PER_UNIT[match[2].upper()] / 2e6))}MB"


def current_engine() -> str:
    engine = os.environ.get(ENGINE_ENV, "duckdb").strip().lower() or "duckdb"
    if engine not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def spark_dir(warehouse_dir: Path) -> Path:
    return warehouse_dir.resolve() / SPARK_DIR


def raw_parquet_dir(warehouse_dir: Path) -> Path:
    """`<schema>/<table>/` folders of Parquet, one per raw table (registered by dbt)."""
    return spark_dir(warehouse_dir) / "raw"


def spark_tables_dir(warehouse_dir: Path) -> Path:
    """Spark's `spark.sql.warehouse.dir`: `<schema>.db/<table>/` per managed table."""
    return spark_dir(warehouse_dir) / "tables"


def export_raw_table(con: duckdb.DuckDBPyConnection, table: str, warehouse_dir: Path) -> Path:
    """Write one raw table (`schema.name`) as Parquet where the Spark run registers it.

    Naive UTC timestamps are written as UTC instants (Spark reads a naive
    Parquet timestamp as TIMESTAMP_NTZ, which does not mix with its TIMESTAMP),
    and JSON as text (Spark parses it with get_json_object / from_json).
    """
    schema, name = table.split(".")
    folder = raw_parquet_dir(warehouse_dir) / schema / name
    folder.mkdir(parents=True, exist_ok=True)
    columns = con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where schema_name = ? and table_name = ? order by column_index",
        [schema, name],
    ).fetchall()
    cast = {"TIMESTAMP": "timestamptz", "JSON": "varchar"}
    select = ", ".join(
        f'cast("{col}" as {cast[kind]}) as "{col}"' if kind in cast else f'"{col}"'
        for col, kind in columns
    )
    tmp = folder / "part-0.parquet.tmp"
    con.execute(f"copy (select {select} from {table}) to '{tmp}' (format parquet)")
    tmp.replace(folder / "part-0.parquet")  # Spark lists the folder: never a half file
    return folder


def copy_spark_marts(warehouse_db: Path, warehouse_dir: Path) -> dict[str, int]:
    """Replace warehouse.duckdb's marts (and `OTHER_SCHEMAS`) with the tables Spark built.

    Parquet -> Arrow -> DuckDB. The marts feed the statistics step and publish;
    the restricted mart and the rows of warning tests are what an analyst reads
    in the warehouse after a refresh, in the same place whatever the engine.
    Spark's timestamps are UTC instants: stored naive UTC, as DuckDB's are.
    Returns rows per mart.
    """
    marts = _spark_tables(warehouse_dir, MARTS_SCHEMA)
    if not marts:
        raise RuntimeError(
            f"Spark built no marts under {spark_tables_dir(warehouse_dir)}: nothing to publish"
        )
    con = connect_duckdb(warehouse_db)
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        counts = _replace_schema(con, MARTS_SCHEMA, marts)
        for schema in OTHER_SCHEMAS:
            _replace_schema(con, schema, _spark_tables(warehouse_dir, schema))
        con.execute("commit")
    finally:
        con.close()
    return counts


def _spark_tables(warehouse_dir: Path, schema: str) -> list[Path]:
    folder = spark_tables_dir(warehouse_dir) / f"{schema}.db"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _replace_schema(
    con: duckdb.DuckDBPyConnection, schema: str, tables: list[Path]
) -> dict[str, int]:
    con.execute(f"drop schema if exists {schema} cascade")
    con.execute(f"create schema {schema}")
    counts = {}
    for folder in tables:
        source = f"read_parquet('{folder}/*.parquet')"
        columns = con.execute(f"describe select * from {source}").fetchall()
        select = ", ".join(
            f'cast("{col}" as timestamp) as "{col}"' if kind.startswith("TIMESTAMP") else f'"{col}"'
            for col, kind, *_ in columns
        )
        con.execute(f'create table {schema}."{folder.name}" as select {select} from {source}')
        counts[folder.name] = con.execute(
            f'select count(*) from {schema}."{folder.name}"'
        ).fetchone()[0]
    return counts


def metastore_busy(text: str) -> bool:
    """Whether a Spark log says another JVM holds the embedded metastore."""
    return any(marker in text for marker in METASTORE_BUSY_MARKERS)


def metastore_busy_message(warehouse_dir: Path, pid: int | None = None) -> str:
    who = f" (PID {pid})" if pid else ""
    return (
        f"Spark's metastore in {spark_dir(warehouse_dir)} is held by another Java process{who},"
        " a dbt or pyspark session on this warehouse: its embedded metastore admits one at a"
        " time. Stop that process, then refresh again."
    )


def metastore_holder(warehouse_dir: Path) -> int | None:
    """The PID holding the embedded metastore (0 if it cannot be told), None when it is free.

    Derby holds a POSIX lock on `metastore_db/dbex.lck` while a JVM has it open.
    Testing that lock takes milliseconds; finding out from Spark takes minutes,
    as the metastore client retries before it gives up.
    """
    lock = spark_dir(warehouse_dir) / "metastore_db" / "dbex.lck"
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:  # no metastore yet, or not ours to open: Spark will say
        return None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return _lock_owner(os.fstat(fd).st_ino)
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _lock_owner(inode: int) -> int:
    """The PID of a POSIX lock on the file with this inode, from /proc/locks (0: unknown)."""
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        parts = line.split()  # 1: POSIX ADVISORY WRITE <pid> <maj:min:inode> <start> <end>
        if len(parts) >= 6 and parts[1] == "POSIX" and parts[5].rsplit(":", 1)[-1] == str(inode):
            return int(parts[4])
    return 0
