"""Validate loaded records with Great Expectations before they reach a raw table.

Each spec becomes an expectation suite: required fields, types, value sets and
time order. GX runs on a pandas frame (its DuckDB datasource does not work here,
see README "Validation"), with COMPLETE results so that every failing row is
known by index and can be quarantined with its field and a readable reason.
Types are parsed vectorized in pandas; the suite then asserts each parse
succeeded, so a type failure is reported the same way as any other.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import orjson
import pandas as pd

from orchestration.ingest.readers import Record
from orchestration.ingest.specs import EntitySpec, Field

_INT = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TYPE_NAMES = {
    "id": "an integer id",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "text": "text",
    "timestamp": "an ISO 8601 timestamp",
    "date": "a date (YYYY-MM-DD)",
    "json": "a JSON object or array",
}


@dataclass(frozen=True)
class Problem:
    """One reason one row cannot be loaded."""

    index: int  # position in the frame
    field: str | None
    value: object
    reason: str


def _parse_times(values: pd.Series, kinds: pd.Series | None = None) -> pd.Series:
    kinds = values.map(type) if kinds is None else kinds
    text = values.where(kinds.isin((str,)), None)
    # naive UTC: comparable across offsets, and what GX compares without warnings
    return pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce").dt.tz_convert(None)


def _typed(field: Field, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (value to store in the raw table, whether the raw value has the field's type).

    Vectorized over the column: the Python type of each value is looked up once
    (`kinds`), then pandas parses; this runs on every row of every file.
    """
    t = field.type
    kinds = raw.map(type)
    is_str, is_number = kinds.isin((str,)), kinds.isin((int, float))  # bool is its own type
    if t in ("id", "int"):
        text = raw.where(is_str, None).str.strip()
        number = pd.to_numeric(raw.where(is_number, None).astype("Float64"), errors="coerce")
        number = number.fillna(
            pd.to_numeric(text.where(text.str.fullmatch(_INT.pattern)), errors="coerce")
        )
        ok = number.notna() & (number % 1 == 0)
        value = number.where(ok).astype("Int64")
    elif t == "float":
        number = pd.to_numeric(raw.where(is_str | is_number, None), errors="coerce")
        ok = number.notna()
        value = number.astype("Float64")
    elif t == "bool":
        words = raw.where(is_str, None).str.strip().str.lower().map({"true": True, "false": False})
        value = raw.where(kinds.isin((bool,)), words).astype("boolean")
        ok = value.notna()
    elif t == "text":
        ok = is_str | is_number
        value = raw.where(ok, None).map(str, na_action="ignore").astype("string")
    elif t in ("timestamp", "date"):
        ok = _parse_times(raw, kinds).notna()
        if t == "date":
            ok &= raw.where(is_str, None).str.fullmatch(_DATE.pattern).fillna(False).astype(bool)
        value = raw.where(is_str, None).astype("string")
    elif t == "json":
        ok = kinds.isin((dict, list))
        value = pd.Series(
            [orjson.dumps(v).decode() if k else None for v, k in zip(raw, ok, strict=True)],
            index=raw.index,
            dtype="string",
        )
    else:  # pragma: no cover - specs validate their types
        raise ValueError(t)
    return value, (ok.astype(bool) | raw.isna())


@dataclass
class Checked:
    """The typed rows of a file, and every problem found in them."""

    rows: pd.DataFrame  # typed columns + `_line`, `_location`, `_extra`
    problems: list[Problem]

    @property
    def bad_index(self) -> set[int]:
        return {p.index for p in self.problems}


def check_records(spec: EntitySpec, records: list[Record]) -> Checked:
    fields = spec.field_names
    names = set(fields)
    data = [r.data if r.problem is None else {} for r in records]
    raw = pd.DataFrame({f: pd.Series([d.get(f) for d in data], dtype=object) for f in fields})

    problems = [
        Problem(i, None, None, r.problem) for i, r in enumerate(records) if r.problem is not None
    ]
    frame = pd.DataFrame(index=raw.index)
    # The frame GX validates holds only what the expectations read (GX hashes it).
    check = pd.DataFrame(index=raw.index)
    for field in spec.fields:
        value, ok = _typed(field, raw[field.name])
        frame[field.name] = value
        check[f"{field.name}__type_ok"] = ok
        if field.required:
            check[field.name] = raw[field.name].isna().map({True: None, False: "present"})
        if field.values:
            check[f"{field.name}__text"] = raw[field.name].map(str, na_action="ignore").str.strip()
    for earlier, later in spec.time_order:
        check[f"{earlier}__utc"] = _parse_times(raw[earlier])
        check[f"{later}__utc"] = _parse_times(raw[later])

    frame["_line"] = [r.line for r in records]
    frame["_location"] = [r.location for r in records]
    frame["_extra"] = pd.Series([_extra(d, names) for d in data], index=raw.index, dtype="string")
    if len(raw):
        unreadable = {p.index for p in problems}  # their fields are all empty: say it once
        problems += [p for p in _run_suite(spec, check, raw) if p.index not in unreadable]
    return Checked(frame, problems)


def _extra(record: dict, declared: set[str]) -> str | None:
    extra = {k: v for k, v in record.items() if k not in declared}
    return orjson.dumps(extra, default=str).decode() if extra else None


# An expectation, plus how to word a failure of it for one row.
_Rule = tuple[object, str | None, Callable[[object], str]]


def _rules(spec: EntitySpec) -> list[_Rule]:
    import great_expectations.expectations as gxe

    rules: list[_Rule] = []
    for f in spec.fields:
        if f.required:
            rules.append(
                (
                    gxe.ExpectColumnValuesToNotBeNull(column=f.name),
                    f.name,
                    lambda _v: "required field is missing",
                )
            )
        if f.type != "text":
            rules.append(
                (
                    gxe.ExpectColumnValuesToBeInSet(column=f"{f.name}__type_ok", value_set=[True]),
                    f.name,
                    lambda v, f=f: f"expected {TYPE_NAMES[f.type]}, got {_show(v)}",
                )
            )
        if f.values:
            rules.append(
                (
                    gxe.ExpectColumnValuesToBeInSet(
                        column=f"{f.name}__text", value_set=list(f.values)
                    ),
                    f.name,
                    lambda v, f=f: f"{_show(v)} is not one of: {', '.join(f.values)}",
                )
            )
    for earlier, later in spec.time_order:
        rules.append(
            (
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=f"{later}__utc",
                    column_B=f"{earlier}__utc",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                later,
                lambda _v, first=earlier, then=later: f"{then} is before {first}",
            )
        )
    return rules


def _show(v) -> str:
    text = json.dumps(v, default=str) if not isinstance(v, str) else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def _batch_definition():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # slow import (~4 s): only where validation runs
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("export_files")
    return source.add_dataframe_asset("records").add_batch_definition_whole_dataframe("file")


def _run_suite(spec: EntitySpec, check: pd.DataFrame, raw: pd.DataFrame) -> list[Problem]:
    import great_expectations as gx

    batch_definition = _batch_definition()  # creates the GX context the suite needs
    rules = _rules(spec)
    suite = gx.ExpectationSuite(name=f"{spec.source}.{spec.name}")
    for expectation, _, _ in rules:
        suite.add_expectation(expectation)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": check})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    problems: list[Problem] = []
    for (_, field, word), outcome in zip(rules, result.results, strict=True):
        if outcome.success:
            continue
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"validation of {spec.table} could not run: {outcome.exception_info}"
            )
        for index in outcome.result.get("unexpected_index_list") or []:
            value = raw.at[index, field]
            problems.append(Problem(int(index), field, value, word(value)))
    return problems
