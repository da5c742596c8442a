"""The raw layer in DuckDB: typed raw tables, the load log and the quarantine.

Every input row ends in exactly one place: its raw table (merged by key, the
newer `updated_at` winning) or the quarantine (with file, line, field and
reason). A file whose content hash is already in the load log is skipped, so
loading the same export twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.ingest.specs import ALL_SPECS, META_COLUMNS, EntitySpec, raw_table_ddl

LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    load_id varchar, source_system varchar, entity varchar, file varchar,
    file_hash varchar, rows_loaded bigint, rows_quarantined bigint, loaded_at timestamp
)"""

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    load_id varchar, source_system varchar, entity varchar, file varchar,
    line bigint, location varchar, field varchar, value varchar, reason varchar,
    record json, quarantined_at timestamp
)"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("set TimeZone = 'UTC'")
    return con


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, specs=ALL_SPECS) -> None:
    con.execute("create schema if not exists raw")
    con.execute(LOAD_LOG_DDL)
    con.execute(QUARANTINE_DDL)
    for spec in specs:
        con.execute(f"create schema if not exists raw_{spec.source}")
        con.execute(raw_table_ddl(spec))


def already_loaded(con: duckdb.DuckDBPyConnection, spec: EntitySpec, file_hash: str) -> bool:
    row = con.execute(
        "select 1 from raw.load_log where source_system = ? and entity = ? and file_hash = ? limit 1",
        [spec.source, spec.name, file_hash],
    ).fetchone()
    return row is not None


def _key_match(spec: EntitySpec, left: str, right: str) -> str:
    return " and ".join(f'{left}."{k}" is not distinct from {right}."{k}"' for k in spec.key)


def merge_rows(con: duckdb.DuckDBPyConnection, spec: EntitySpec, rows: pd.DataFrame) -> int:
    """Upsert typed rows by the spec's key; an older version never replaces a newer one."""
    if rows.empty:
        return 0
    columns = [*spec.field_names, *META_COLUMNS]
    con.register("incoming_frame", rows[columns])
    has_updated = "updated_at" in spec.field_names
    updated = 'try_cast("updated_at" as timestamptz)' if has_updated else "null"
    keys = ", ".join(f'"{k}"' for k in spec.key)
    con.execute(
        f"""
        create or replace temp table incoming as
        select * from incoming_frame
        qualify row_number() over (
            partition by {keys} order by {updated} desc nulls last, _line desc
        ) = 1
        """
    )
    newer = (
        'try_cast(incoming."updated_at" as timestamptz) >= try_cast(t."updated_at" as timestamptz)'
        ' or incoming."updated_at" is null or t."updated_at" is null'
        if has_updated
        else "true"
    )
    con.execute(
        f"delete from {spec.table} as t using incoming"
        f" where {_key_match(spec, 't', 'incoming')} and ({newer})"
    )
    column_list = ", ".join(f'"{c}"' for c in columns)
    inserted = con.execute(
        f"""
        insert into {spec.table} ({column_list})
        select {column_list} from incoming
        where not exists (select 1 from {spec.table} as t where {_key_match(spec, "t", "incoming")})
        """
    ).fetchone()[0]
    con.unregister("incoming_frame")
    con.execute("drop table incoming")
    return int(inserted)


def quarantine_rows(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows)
    frame["record"] = frame["record"].map(lambda r: json.dumps(r, default=str))
    con.register("quarantine_frame", frame)
    con.execute(
        "insert into raw.quarantine select load_id, source_system, entity, file, line, location,"
        " field, value, reason, record::json, quarantined_at from quarantine_frame"
    )
    con.unregister("quarantine_frame")


def log_load(
    con: duckdb.DuckDBPyConnection,
    *,
    load_id: str,
    spec: EntitySpec,
    file: str,
    file_hash: str,
    rows_loaded: int,
    rows_quarantined: int,
    loaded_at: datetime,
) -> None:
    con.execute(
        "insert into raw.load_log values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            spec.source,
            spec.name,
            file,
            file_hash,
            rows_loaded,
            rows_quarantined,
            loaded_at,
        ],
    )
