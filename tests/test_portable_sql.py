"""Model bodies are engine-neutral: dialect differences live in dispatched macros.

The same models build on DuckDB and on Apache Spark (docs/spark.md). A
DuckDB-only function or type in a model, a contract or a seed would build on
DuckDB and fail on Spark only when someone runs it there, so it is caught here,
without starting either engine. The forms each engine accepts are in
dbt_project/macros (`duckdb__...`, `spark__...`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

DBT = Path(__file__).resolve().parent.parent / "dbt_project"

# DuckDB-only SQL -> the portable form to use instead.
DUCKDB_ONLY = {
    r"\bquantile_(cont|disc)\s*\(": "percentile_cont(q) within group (order by x)",
    r"\bmedian\s*\(": "percentile_cont(0.5) within group (order by x)",
    r"\bdate_diff\s*\(": "days_between / hours_between / dbt.datediff",
    r"\bstrftime\s*\(|\bstrptime\s*\(": "utc_iso_text or a dispatched macro",
    r"\bjson_extract(_string)?\s*\(": "json_text / json_value",
    r"\bepoch_ms\s*\(|\bepoch\s*\(": "epoch_ms_to_timestamp",
    r"\blist_[a-z_]+\s*\(|\bstruct_pack\s*\(|\bunnest\s*\(": "json_array_elements",
    r"\bsha256\s*\(": "a dispatched hash macro",
    r"\bread_(parquet|csv|json)[a-z_]*\s*\(": "a source",
    r"\barg_(max|min)\s*\(": "max_by / min_by or a window",
    r"\bgenerate_series\s*\(": "a seed or a union",
    r"::": "cast(x as type)",
    r"\bas\s+(varchar|text|bool|hugeint|timestamptz)\b|\bdouble\s+precision\b": "string, boolean, bigint, timestamp, double",
    r"\bexclude\s*\(": "name the columns",
}
# Contract and seed types both engines accept (Spark rejects a bare varchar, text, bool).
PORTABLE_TYPE = re.compile(
    r"^(bigint|int|integer|double|string|timestamp|date|boolean|decimal\(\d+, ?\d+\)|varchar\(\d+\))$"
)


def _code(sql: str) -> str:
    """The SQL without comments (comments may name DuckDB functions)."""
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    sql = re.sub(r"/\*.*?\*/", "", sql, flags=re.S)
    return re.sub(r"--[^\n]*", "", sql)


def _sql_files() -> list[Path]:
    return sorted((DBT / "models").rglob("*.sql")) + sorted((DBT / "tests").rglob("*.sql"))


def test_the_check_finds_duckdb_only_sql():
    bad = "select quantile_cont(x, 0.5), a::varchar, cast(b as text) from t -- median(x)"
    found = [p for p in DUCKDB_ONLY if re.search(p, _code(bad), re.I)]
    assert len(found) == 3
    assert not re.search(r"\bmedian\s*\(", _code("select 1 -- median(x)"))


@pytest.mark.parametrize("path", _sql_files(), ids=lambda p: str(p.relative_to(DBT)))
def test_no_duckdb_only_sql_in_models_and_tests(path: Path):
    code = _code(path.read_text())
    found = {
        m.group(0): instead
        for pattern, instead in DUCKDB_ONLY.items()
        if (m := re.search(pattern, code, re.I))
    }
    assert not found, f"{path.name}: DuckDB-only SQL (use instead): {found}"


def _declared_types():
    for path in sorted((DBT / "models").rglob("*.yml")) + sorted((DBT / "seeds").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text()) or {}
        for node in doc.get("models", []) + doc.get("seeds", []):
            for column in node.get("columns") or []:
                if "data_type" in column:
                    yield path.name, f"{node['name']}.{column['name']}", column["data_type"]
            for column, type_ in ((node.get("config") or {}).get("column_types") or {}).items():
                yield path.name, f"{node['name']}.{column}", type_


def test_identifiers_are_quoted_through_the_adapter():
    """Spark reads "start" as a string literal, not a column: quote with adapter.quote."""
    quoted = re.compile(r"'\"\w+\"'|(?<![\w'])\"\w+\"(?![\w'])")
    for path in _sql_files():
        sql = re.sub(
            r"\{\{.*?\}\}|\{%.*?%\}",
            lambda m: m.group(0) if "'\"" in m.group(0) else "",
            _code(path.read_text()),
            flags=re.S,
        )
        found = quoted.findall(sql)
        assert not found, f"{path.name}: double-quoted identifiers {found}"


def test_contract_and_seed_types_are_accepted_by_both_engines():
    declared = list(_declared_types())
    assert len(declared) > 300  # every mart's contract is read
    bad = [d for d in declared if not PORTABLE_TYPE.match(str(d[2]).strip().lower())]
    assert not bad, f"types Spark or DuckDB rejects: {bad}"
