"""The raw layer in DuckDB: typed raw tables, the load log, file state and the quarantine.

Every input row ends in exactly one place: its raw table or the quarantine
(with file, line, field, reason and what was done). An export file is a full
snapshot of its entity: loading a new version replaces the entity's rows, so
records deleted or corrected in the ATS are deleted or corrected here too.
Delta files are merged by key, the newer version winning. `raw.file_state`
remembers which files (by content hash) the entity's rows come from, so loading
the same export twice changes nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.engine import connect_duckdb, ingest_memory_limit
from orchestration.ingest.specs import ALL_SPECS, META_COLUMNS, EntitySpec, raw_table_ddl

LOAD_LOG_COLUMNS = {
    "load_id": "varchar",
    "source_system": "varchar",
    "entity": "varchar",
    "file": "varchar",
    "file_hash": "varchar",
    "rows_loaded": "bigint",
    "rows_quarantined": "bigint",
    "loaded_at": "timestamp",
    "kind": "varchar",  # snapshot | delta
    "rows_deleted": "bigint",
    "duplicates": "bigint",
    "fields_nulled": "bigint",
    "rows_flagged": "bigint",
}

QUARANTINE_COLUMNS = {
    "load_id": "varchar",
    "source_system": "varchar",
    "entity": "varchar",
    "file": "varchar",
    "line": "bigint",
    "location": "varchar",
    "field": "varchar",
    "value": "varchar",
    "reason": "varchar",
    "record": "json",
    "quarantined_at": "timestamp",
    "reason_code": "varchar",
    "action": "varchar",  # dropped | nulled | flagged (validation.py)
}

FILE_STATE_DDL = """
create table if not exists raw.file_state (
    source_system varchar, entity varchar, position integer, kind varchar,
    file varchar, file_hash varchar, load_id varchar, loaded_at timestamp
)"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = connect_duckdb(path)
    con.execute("set TimeZone = 'UTC'")
    limit = ingest_memory_limit().replace("'", "")
    con.execute(f"set memory_limit = '{limit}'")  # beyond it, a large load spills to disk
    return con


def _ensure_table(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str]) -> None:
    """Create a bookkeeping table, adding columns a warehouse of an older version lacks."""
    cols = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
    con.execute(f"create table if not exists {table} ({cols})")
    for name, sql_type in columns.items():
        con.execute(f"alter table {table} add column if not exists {name} {sql_type}")


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, specs=ALL_SPECS) -> None:
    con.execute("create schema if not exists raw")
    _ensure_table(con, "raw.load_log", LOAD_LOG_COLUMNS)
    _ensure_table(con, "raw.quarantine", QUARANTINE_COLUMNS)
    con.execute(FILE_STATE_DDL)
    for spec in specs:
        con.execute(f"create schema if not exists raw_{spec.source}")
        if _columns(con, spec) not in ({}, _declared_columns(spec)):
            # Built by an older version of the specs: rebuild it from the export.
            con.execute(f"drop table {spec.table}")
            forget_entity(con, spec)
        con.execute(raw_table_ddl(spec))


def _declared_columns(spec: EntitySpec) -> dict[str, str]:
    declared = {f.name: f.sql_type for f in spec.fields}
    return {**declared, **META_COLUMNS}


def _columns(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where schema_name = ? and table_name = ? order by column_index",
        [f"raw_{spec.source}", spec.name],
    ).fetchall()
    return dict(rows)


def drop_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Forget everything loaded: the next load rebuilds raw from the export folder."""
    schemas = con.execute(
        "select schema_name from duckdb_schemas()"
        " where database_name = current_database() and schema_name like 'raw%'"
    ).fetchall()
    for (schema,) in schemas:
        con.execute(f'drop schema if exists "{schema}" cascade')


# -- which files the stored rows come from ------------------------------------------------


def current_files(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> list[tuple[str, str, str]]:
    """(kind, file, hash) of the files the entity's rows come from, in load order."""
    return [
        tuple(row)
        for row in con.execute(
            "select kind, file, file_hash from raw.file_state"
            " where source_system = ? and entity = ? order by position",
            [spec.source, spec.name],
        ).fetchall()
    ]


def forget_entity(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> None:
    con.execute(
        "delete from raw.file_state where source_system = ? and entity = ?",
        [spec.source, spec.name],
    )
    con.execute(
        "delete from raw.quarantine where source_system = ? and entity = ?",
        [spec.source, spec.name],
    )


def record_file(
    con: duckdb.DuckDBPyConnection,
    spec: EntitySpec,
    *,
    kind: str,
    file: str,
    file_hash: str,
    load_id: str,
    loaded_at: datetime,
) -> None:
    con.execute(
        "delete from raw.file_state where source_system = ? and entity = ? and file = ?",
        [spec.source, spec.name, file],
    )
    con.execute(
        "insert into raw.file_state select ?, ?, coalesce(max(position), 0) + 1, ?, ?, ?, ?, ?"
        " from raw.file_state where source_system = ? and entity = ?",
        [spec.source, spec.name, kind, file, file_hash, load_id, loaded_at]
        + [spec.source, spec.name],
    )


def stored_rows(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> int:
    return con.execute(f"select count(*) from {spec.table}").fetchall()[0][0]


# -- writing rows ---------------------------------------------------------------------------


def _key_match(spec: EntitySpec, left: str, right: str) -> str:
    return " and ".join(f'{left}."{k}" is not distinct from {right}."{k}"' for k in spec.key)


# A file's typed rows are gathered batch by batch in the temp table `incoming`
# (with each record's place in the file), then replace or merge the raw table.
_INCOMING_EXTRA = {"_location": "VARCHAR", "_seq": "BIGINT"}


def start_incoming(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> None:
    columns = {**_declared_columns(spec), **_INCOMING_EXTRA}
    cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    con.execute(f"create or replace temp table incoming ({cols})")


def add_incoming(con: duckdb.DuckDBPyConnection, spec: EntitySpec, rows: pd.DataFrame) -> None:
    """Append typed rows (the spec's fields, META_COLUMNS, `_location`, `_seq`)."""
    if rows.empty:
        return
    columns = {**_declared_columns(spec), **_INCOMING_EXTRA}
    con.register("incoming_frame", rows[list(columns)])
    casts = ", ".join(f'cast("{c}" as {t})' for c, t in columns.items())
    con.execute(f"insert into incoming select {casts} from incoming_frame")
    con.unregister("incoming_frame")


def incoming_duplicates(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> pd.DataFrame:
    """Incoming rows whose key another incoming row shares, in file order (index `_seq`)."""
    keys = ", ".join(f'"{k}"' for k in spec.key)
    frame = con.execute(
        f"select * from incoming qualify count(*) over (partition by {keys}) > 1 order by _seq"
    ).df()
    return frame.set_index("_seq", drop=False).rename_axis(None)


def drop_incoming(con: duckdb.DuckDBPyConnection, seqs: list[int]) -> None:
    if seqs:
        con.execute("delete from incoming where list_contains(?, _seq)", [seqs])


def _publish_incoming(con: duckdb.DuckDBPyConnection, spec: EntitySpec, where: str = "") -> int:
    columns = ", ".join(f'"{c}"' for c in [*spec.field_names, *META_COLUMNS])
    return con.execute(
        f"insert into {spec.table} ({columns}) select {columns} from incoming {where} order by _seq"
    ).fetchall()[0][0]


def replace_rows(
    con: duckdb.DuckDBPyConnection, spec: EntitySpec, keep_columns: list[str]
) -> tuple[int, int]:
    """Make the entity's rows exactly the incoming rows (a full snapshot).
    Returns (loaded, deleted).

    `keep_columns` are columns the file did not mention at all: for rows matched
    by key, the stored values are kept rather than erased.
    """
    for column in keep_columns:
        con.execute(
            f'update incoming set "{column}" = t."{column}" from {spec.table} as t'
            f" where {_key_match(spec, 't', 'incoming')}"
        )
    deleted = con.execute(
        f"select count(*) from {spec.table} as t"
        f" where not exists (select 1 from incoming where {_key_match(spec, 't', 'incoming')})"
    ).fetchall()[0][0]
    con.execute(f"delete from {spec.table}")
    loaded = _publish_incoming(con, spec)
    con.execute("drop table incoming")
    return int(loaded), int(deleted)


def merge_rows(con: duckdb.DuckDBPyConnection, spec: EntitySpec) -> int:
    """Upsert the incoming rows by the spec's key (a delta); an older version never
    replaces a newer one."""
    version = spec.version_field
    newer = (
        f'incoming."{version}" >= t."{version}"'
        f' or incoming."{version}" is null or t."{version}" is null'
        if version
        else "true"
    )
    con.execute(
        f"delete from {spec.table} as t using incoming"
        f" where {_key_match(spec, 't', 'incoming')} and ({newer})"
    )
    inserted = _publish_incoming(
        con,
        spec,
        f"where not exists (select 1 from {spec.table} as t where {_key_match(spec, 't', 'incoming')})",
    )
    con.execute("drop table incoming")
    return int(inserted)


def quarantine_rows(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    if not rows:
        return
    frame = pd.DataFrame(rows)
    frame["record"] = frame["record"].map(lambda r: json.dumps(r, default=str))
    con.register("quarantine_frame", frame)
    columns = ", ".join(QUARANTINE_COLUMNS)
    selected = ", ".join("record::json" if c == "record" else c for c in QUARANTINE_COLUMNS)
    con.execute(f"insert into raw.quarantine ({columns}) select {selected} from quarantine_frame")
    con.unregister("quarantine_frame")


def log_load(con: duckdb.DuckDBPyConnection, **values) -> None:
    """One row of load history per file loaded (columns: LOAD_LOG_COLUMNS)."""
    columns = ", ".join(LOAD_LOG_COLUMNS)
    params = [values.get(c) for c in LOAD_LOG_COLUMNS]
    marks = ", ".join("?" for _ in LOAD_LOG_COLUMNS)
    con.execute(f"insert into raw.load_log ({columns}) values ({marks})", params)
