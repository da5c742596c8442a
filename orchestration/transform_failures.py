"""Say what failed in a dbt build, in words an analyst can act on.

dbt only counts failing rows; tests store their failing rows (store_failures),
so the first few are read back and shown: an unmapped stage names itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

MAX_EXAMPLES = 5


def describe_failures(target_path: Path, warehouse_db: Path) -> list[str]:
    run_results = Path(target_path) / "run_results.json"
    if not run_results.exists():
        return ["dbt did not finish (no run_results.json); see the dbt log above"]
    results = json.loads(run_results.read_text())["results"]
    failed = [r for r in results if r["status"] in ("fail", "error", "runtime error")]
    if not failed:
        return ["dbt reported failure without a failing node; see the dbt log above"]
    lines = []
    with _read_only(warehouse_db) as con:
        for result in failed:
            name = result["unique_id"].split(".", 2)[-1]
            message = (result.get("message") or "").strip().splitlines()
            line = f"{name}: {result['status']}" + (f" ({message[0]})" if message else "")
            rows = _example_rows(con, result.get("relation_name"))
            lines.append(line + (f"; e.g. {rows}" if rows else ""))
    return lines


class _read_only:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = None

    def __enter__(self):
        try:
            self.con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error:
            self.con = None
        return self.con

    def __exit__(self, *exc) -> None:
        if self.con is not None:
            self.con.close()


def _example_rows(con, relation: str | None) -> str:
    if con is None or not relation:
        return ""
    try:
        frame = con.execute(f"select * from {relation} limit {MAX_EXAMPLES}").df()
    except duckdb.Error:
        return ""
    return "; ".join(
        ", ".join(f"{k}={v}" for k, v in row.items()) for row in frame.to_dict("records")
    )
