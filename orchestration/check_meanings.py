"""What each check of a refresh requires, in one sentence a leader can read.

Data health lists every check beside its status, and a failed refresh's report
says what its failing tests mean; both read it from here. A dbt test's sentence
is its YAML description when it has one (every singular test's is in
dbt_project/tests/_tests.yml), else it is made from the generic test's name and
arguments. Static text only: never a row of data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The checks that are not dbt's: they are also the descriptions of their Dagster checks.
ROWS_VALID = "Every row passes validation (required fields, types, value sets, time order)."
STATISTICS_CONTRACT = (
    "Columns and types as documented; no hidden row (suppressed / not enough data) shows a value."
)

MAX_VALUES = 6  # of an accepted_values test, named in its sentence


def dbt_test_meaning(node: Mapping[str, Any]) -> str:
    """The sentence of a dbt test node of the manifest."""
    if description := " ".join((node.get("description") or "").split()):
        return description
    metadata = node.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    column = kwargs.get("column_name") or node.get("column_name")
    match metadata.get("name"):
        case "not_null":
            return f"{column} is never null."
        case "unique":
            return f"{column} is never repeated."
        case "primary_key":
            return f"{column} identifies each row: never null, never repeated."
        case "accepted_values":
            values = [str(v) for v in kwargs.get("values") or []]
            shown = ", ".join(values[:MAX_VALUES]) + (", …" if len(values) > MAX_VALUES else ".")
            return f"{column} is one of: {shown}"
        case "relationships":
            field, relation = kwargs.get("field"), _relation(kwargs.get("to"))
            return f"Every {column} is in {relation}" + (
                "." if field == column else f" (as {field})."
            )
        case "unique_combination_of_columns":
            return f"No two rows share the same {', '.join(kwargs.get('columns') or [])}."
        case "no_rows_where":
            return f"No row where {kwargs.get('condition')}."
        case "not_empty":
            return "Has at least one row."
    name = node.get("name") or ""
    return name.replace("_", " ").capitalize() + "."


def dbt_test_target(node: Mapping[str, Any]) -> str | None:
    """The model (seed, source table) a dbt test checks: the one it is defined on, else
    the one it reads; a test that reads several names the one Dagster shows it on."""
    if attached := node.get("attached_node"):
        return attached.split(".")[-1]
    parents = (node.get("depends_on") or {}).get("nodes") or []
    if len(parents) == 1:
        return parents[0].split(".")[-1]
    shown = (((node.get("config") or {}).get("meta") or {}).get("dagster") or {}).get("ref")
    if parents and isinstance(shown, Mapping) and shown.get("name"):
        return f"{shown['name']} and {len(parents) - 1} more"
    return None


def _relation(to: str | None) -> str:
    """`ref('canonical_stages')` -> canonical_stages; `source('raw', 'jobs')` -> jobs."""
    names = re.findall(r"['\"]([^'\"]+)['\"]", to or "")
    return names[-1] if names else (to or "another table")
