"""What each source file holds: one spec per raw table.

The specs are the single description of the raw layer. The loaders use them to
build typed raw tables (so an empty file still yields a table with the right
columns), the validation suite derives its expectations from them, and the dbt
sources are written against the columns they declare. docs/export-format.md is
the human-readable version. One module per source.
"""

from orchestration.ingest.specs.ats_csv import ATS_CSV
from orchestration.ingest.specs.base import (
    META_COLUMNS,
    SQL_TYPES,
    EntitySpec,
    Field,
    raw_table_ddl,
)
from orchestration.ingest.specs.greenhouse import GREENHOUSE
from orchestration.ingest.specs.lever import LEVER
from orchestration.ingest.specs.people import PEOPLE

ALL_SPECS: tuple[EntitySpec, ...] = GREENHOUSE + LEVER + ATS_CSV + PEOPLE


def specs_for(source: str) -> tuple[EntitySpec, ...]:
    return tuple(s for s in ALL_SPECS if s.source == source)


__all__ = [
    "ALL_SPECS",
    "ATS_CSV",
    "GREENHOUSE",
    "LEVER",
    "META_COLUMNS",
    "PEOPLE",
    "SQL_TYPES",
    "EntitySpec",
    "Field",
    "raw_table_ddl",
    "specs_for",
]
