"""The building blocks of a spec: fields, their raw types, an entity, its table."""

from __future__ import annotations

from dataclasses import dataclass, field

# Raw column types. Timestamps are converted to UTC at ingest by one rule
# (timestamps.py) and dates kept as written, so staging never parses a time.
# Nested objects and arrays are stored as JSON.
SQL_TYPES = {
    "id": "BIGINT",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "epoch_ms": "TIMESTAMP",
    "date": "DATE",
    "json": "JSON",
}

# Load metadata carried by every raw row.
META_COLUMNS = {
    "_load_id": "VARCHAR",
    "_source_file": "VARCHAR",
    "_file_hash": "VARCHAR",
    "_line": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_extra": "JSON",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] | None = None
    # personal data ("name", "email", "phone"): replaced by a keyed hash at ingest (pii.py)
    pii: str | None = None

    def __post_init__(self) -> None:
        if self.type not in SQL_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")

    @property
    def sql_type(self) -> str:
        return "VARCHAR" if self.pii else SQL_TYPES[self.type]


@dataclass(frozen=True)
class EntitySpec:
    source: str
    name: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    required_file: bool = False
    # (earlier, later) timestamp pairs that must be in order when both are present
    time_order: tuple[tuple[str, str], ...] = ()
    description: str = ""
    extensions: tuple[str, ...] = field(default=(".json", ".jsonl"))
    # timestamps nested in JSON columns ("openings[].opened_at", "start.date_time"):
    # converted to canonical UTC text by the same rule as top-level timestamps
    nested_times: tuple[str, ...] = ()
    # the same, for epoch milliseconds nested in JSON ("archived.archivedAt")
    nested_epoch_ms: tuple[str, ...] = ()
    # False where undeclared fields may hold personal data: only their names are kept
    keep_extra: bool = True
    # the object's own last-change timestamp field, when not one of the usual names
    version: str | None = None

    @property
    def table(self) -> str:
        return f"raw_{self.source}.{self.name}"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def version_field(self) -> str | None:
        """The object's own last-change timestamp: the newer version of a key wins."""
        names = self.field_names
        usual = (self.version, "updated_at", "updatedAt", "last_activity_at")
        return next((n for n in usual if n and n in names), None)

    @property
    def has_pii(self) -> bool:
        return any(f.pii for f in self.fields)


def field_(
    name: str, type_: str = "text", *, required: bool = False, values=None, pii=None
) -> Field:
    """A field, briefly: `field_("applied_at", "timestamp")`."""
    return Field(name, type_, required, tuple(values) if values else None, pii)


def raw_table_ddl(spec: EntitySpec) -> str:
    """CREATE TABLE statement for a raw table: declared fields, then load metadata."""
    cols = [f'"{f.name}" {f.sql_type}' for f in spec.fields]
    cols += [f"{name} {sql_type}" for name, sql_type in META_COLUMNS.items()]
    return f"create table if not exists {spec.table} ({', '.join(cols)})"
