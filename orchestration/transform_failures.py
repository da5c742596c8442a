"""Say what failed in a dbt build, in words an analyst can act on.

dbt only counts failing rows; the first few are read back and shown (from the
table a warning stores them in, or by running the test's compiled SQL again),
so an unmapped stage names itself. What the test requires
(orchestration/check_meanings.py) says what the failure means, e.g. that the
as-of date must not be before the first event. A warning gets its first stored
row the same way. Columns of personal data are never shown: this text goes to the
terminal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import duckdb

from orchestration.check_meanings import dbt_test_meaning
from orchestration.engine import connect_duckdb

MAX_EXAMPLES = 5
WARNING_COLUMNS = 3  # of a warned test's first row, in one line of the summary
# Never printed, even hashed: the terminal and the summary hold no candidate data.
PERSONAL_COLUMNS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "email",
        "emails",
        "email_addresses",
        "phone",
        "phones",
        "phone_numbers",
    }
)


def describe_failures(target_path: Path, warehouse_db: Path) -> list[str]:
    run_results = Path(target_path) / "run_results.json"
    if not run_results.exists():
        return ["dbt did not finish (no run_results.json); see the dbt log above"]
    results = json.loads(run_results.read_text())["results"]
    failed = [r for r in results if r["status"] in ("fail", "error", "runtime error")]
    if not failed:
        return ["dbt reported failure without a failing node; see the refresh log"]
    meanings = _meanings(Path(target_path) / "manifest.json")
    lines = []
    with _read_only(warehouse_db) as con:
        for result in failed:
            name = result["unique_id"].split(".", 2)[-1]
            message = (result.get("message") or "").strip().splitlines()
            line = f"{name}: {result['status']}" + (f" ({message[0]})" if message else "")
            if meaning := meanings.get(result["unique_id"]):
                line += f": {meaning.rstrip('.')}"
            rows = _example_rows(con, result.get("relation_name"), result.get("compiled_code"))
            lines.append(line + (f"; e.g. {rows}" if rows else ""))
    return lines


def _meanings(manifest: Path) -> dict[str, str]:
    """What each test requires (check_meanings); a model's one-line description, when
    its YAML gives one."""
    try:
        nodes = json.loads(manifest.read_text())["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    meanings = {}
    for unique_id, node in nodes.items():
        if node.get("resource_type") == "test":
            meanings[unique_id] = dbt_test_meaning(node)
        elif node.get("description"):
            meanings[unique_id] = " ".join(node["description"].split())
    return meanings


class _read_only:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = None

    def __enter__(self):
        try:
            self.con = connect_duckdb(self.path, read_only=True)
        except duckdb.Error:
            self.con = None
        return self.con

    def __exit__(self, *exc) -> None:
        if self.con is not None:
            self.con.close()


def describe_warnings(
    warnings: Mapping[str, int | None], manifest: Mapping, warehouse_db: Path
) -> dict[str, str]:
    """A line for each warned test (unique id -> failing rows), e.g. `1 row:
    from_field=greenhouse:3999` or `12 rows, e.g. …`: its first stored row, read once dbt
    has let go of the warehouse. A row that states its `problem` (a singular test's) is
    that sentence; any other shows its first columns. Without stored rows, the count
    alone."""
    nodes = manifest.get("nodes", {})
    lines = {}
    with _read_only(warehouse_db) as con:
        for unique_id, count in warnings.items():
            rows = _stored_rows(con, nodes.get(unique_id, {}).get("relation_name"), None, 1)
            example = _one_line(rows[0]) if rows else None
            if count is None:
                lines[unique_id] = f"e.g. {example}" if example else ""
            elif example is None:
                lines[unique_id] = f"{count} row{'' if count == 1 else 's'}"
            else:
                lines[unique_id] = (
                    f"1 row: {example}" if count == 1 else f"{count} rows, e.g. {example}"
                )
    return lines


def _one_line(row: dict) -> str:
    if "problem" in row:
        return str(row["problem"])
    shown = [f"{k}={_short(v)}" for k, v in list(row.items())[:WARNING_COLUMNS]]
    return ", ".join(shown) + (", …" if len(row) > WARNING_COLUMNS else "")


def _short(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _example_rows(con, relation: str | None, compiled_sql: str | None) -> str:
    rows = _stored_rows(con, relation, compiled_sql, MAX_EXAMPLES)
    return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in rows)


def _stored_rows(con, relation: str | None, compiled_sql: str | None, limit: int) -> list[dict]:
    """A failing test's first rows (its stored table, else its SQL run again), without
    personal columns; none when neither can be read."""
    failing_rows = relation or (f"({compiled_sql}) as failing" if compiled_sql else None)
    if con is None or not failing_rows:
        return []
    try:
        frame = con.execute(f"select * from {failing_rows} limit {limit}").df()
    except duckdb.Error:
        return []
    shown = [c for c in frame.columns if c.lower() not in PERSONAL_COLUMNS]
    return frame[shown].to_dict("records")
