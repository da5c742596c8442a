"""The canonical CSV format (`ats_csv/`): the canonical entities as CSV files.

For any ATS without an adapter of its own (Workday, SmartRecruiters, Ashby
reports, ...): one CSV per canonical entity, with the canonical columns
(orchestration/canonical.py) and a `source_system` name the company chooses.
The specs are derived from the contract, so this adapter stays thin; the only
exception is candidates, whose file holds the personal data that the contract
replaces by `candidate_key` (hashed at ingest like every ATS's).
"""

from orchestration.canonical import ENTITIES, Column, Entity
from orchestration.ingest.specs.base import EntitySpec, Field
from orchestration.ingest.specs.base import field_ as _f

# canonical type -> raw field type
_RAW_TYPES = {
    "string": "text",
    "bigint": "int",
    "int": "int",
    "double": "float",
    "boolean": "bool",
    "timestamp": "timestamp",
    "date": "date",
}
REQUIRED_FILES = ("applications", "jobs")

# What the candidates file holds instead of the derived `candidate_key`.
_CANDIDATE_PII = (
    _f("email", pii="email"),
    _f("phone", pii="phone"),
    _f("first_name", pii="name"),
    _f("last_name", pii="name"),
)


def _field(entity: Entity, column: Column) -> Field:
    required = column.name in entity.key or column.name == "source_system"
    return _f(column.name, _RAW_TYPES[column.type], required=required, values=column.values)


def _spec(entity: Entity) -> EntitySpec:
    fields = tuple(_field(entity, c) for c in entity.columns if c.name != "candidate_key")
    if entity.name == "candidates":
        fields += _CANDIDATE_PII
    return EntitySpec(
        "ats_csv",
        entity.name,
        key=("source_system", *entity.key),
        fields=fields,
        required_file=entity.name in REQUIRED_FILES,
        description=f"Canonical CSV: {entity.grain}",
        extensions=(".csv",),
        keep_extra=entity.name != "candidates",
    )


ATS_CSV = tuple(_spec(e) for e in ENTITIES)
