"""Validate loaded records with Great Expectations before they reach a raw table.

Each spec becomes an expectation suite: required fields, types, value sets and
time order. GX runs on a pandas frame: its SQL datasource over DuckDB (through
duckdb-engine) reports every expectation as failed, with no observed value and
no error. Every rule is judged at once; a rule that fails is validated again
with COMPLETE results, so that every failing row is known by index and can be
quarantined with its field and a readable reason.
Types are parsed vectorized in pandas; the suite then asserts each parse
succeeded, so a type failure is reported the same way as any other.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import orjson
import pandas as pd
from pandas.api.types import union_categoricals

from orchestration.ingest import pii
from orchestration.ingest.readers import Record
from orchestration.ingest.specs import EntitySpec, Field
from orchestration.ingest.timestamps import (
    canonical_text,
    parse_dates,
    parse_epoch_ms,
    parse_timestamps,
)

_INT = r"^\s*-?\d+\s*$"

TYPE_NAMES = {
    "id": "an integer id",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "text": "text",
    "timestamp": "an ISO 8601 timestamp (e.g. 2026-02-13T07:30:00Z)",
    "epoch_ms": "a timestamp in epoch milliseconds",
    "date": "a date (YYYY-MM-DD)",
    "json": "a JSON object or array",
}
PII_TYPE_NAME = "text or a list of text / {value} objects"

# What happens to a record with a problem (raw.quarantine.action).
DROPPED = "dropped"  # the record is not loaded: its key or a required field failed
NULLED = "nulled"  # an optional field failed: stored as null, the record is loaded
FLAGGED = "flagged"  # loaded as is, with a warning (a rule real data can break)

# Great Expectations imports pyspark when it is installed (the Spark engine's dbt
# runs it in its own process). `_import_gx` keeps it out; where pyspark was
# already imported, its warning about pandas 3 concerns Spark DataFrames this
# module never makes.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)


@dataclass(frozen=True)
class Problem:
    """One reason one row (or one of its fields) cannot be loaded as exported."""

    index: int  # position in the frame
    field: str | None
    value: object  # None for personal data: never quoted
    reason: str
    code: str = "unparseable"  # raw.quarantine.reason_code
    action: str = DROPPED


def _typed(field: Field, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (value to store in the raw table, whether the raw value has the field's type).

    Vectorized over the column: the Python type of each value is looked up once
    (`kinds`), then pandas parses; this runs on every row of every file.
    """
    t = field.type
    if field.pii:
        return _pseudonymized(field, raw)
    if (uniform := _uniform_column(field, raw)) is not None:
        return uniform
    kinds = raw.map(type)
    is_str, is_number = kinds.isin((str,)), kinds.isin((int, float))  # bool is its own type
    if t in ("id", "int"):
        text = raw.where(is_str, None).astype("string").str.strip()
        number = pd.to_numeric(raw.where(is_number, None).astype("Float64"), errors="coerce")
        number = number.fillna(pd.to_numeric(text.where(text.str.fullmatch(_INT)), errors="coerce"))
        ok = number.notna() & (number % 1 == 0) & (number.abs() < 2**63)
        value = number.where(ok).astype("Int64")
    elif t == "float":
        number = pd.to_numeric(raw.where(is_str | is_number, None), errors="coerce")
        ok = number.notna() & (number.abs() != float("inf"))
        value = number.where(ok).astype("Float64")
    elif t == "bool":
        words = raw.where(is_str, None).astype("string").str.strip().str.lower()
        words = words.map({"true": True, "false": False})
        value = raw.where(kinds.isin((bool,)), words).astype("boolean")
        ok = value.notna()
    elif t == "text":
        ok = is_str | is_number
        value = raw.where(ok, None).map(str, na_action="ignore").astype("string")
    elif t in ("timestamp", "date", "epoch_ms"):
        parse = {"timestamp": parse_timestamps, "date": parse_dates, "epoch_ms": parse_epoch_ms}
        value = parse[t](raw)
        ok = value.notna()
    elif t == "json":
        ok = kinds.isin((dict, list))
        value = pd.Series(
            [_json_text(v) if k else None for v, k in zip(raw, ok, strict=True)],
            index=raw.index,
            dtype="string",
        )
    else:  # pragma: no cover - specs validate their types
        raise ValueError(t)
    return value, (ok.astype(bool) | raw.isna())


# Columns whose every value already has the field's type, as one C pass over the
# column (`infer_dtype`) tells: the common case. They skip the per-value type
# lookup and conversions of the general path, which gives the same values.
_UNIFORM_KIND = {"id": "integer", "int": "integer", "text": "string", "bool": "boolean"}
_INT64_MIN = -(2**63)


def _uniform_column(field: Field, raw: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    if pd.api.types.infer_dtype(raw, skipna=True) != _UNIFORM_KIND.get(field.type):
        return None
    if field.type == "text":
        value = raw.astype("string")
    elif field.type == "bool":
        value = raw.astype("boolean")
    else:
        try:
            value = raw.astype("Int64")
        except (OverflowError, TypeError, ValueError):  # beyond 64 bits: said per value
            return None
        if value.min() <= _INT64_MIN:  # the general path's bound, |n| < 2**63
            return None
    return value, pd.Series(True, index=raw.index)


def _json_text(value: object) -> str:
    try:
        return orjson.dumps(value, default=str).decode()
    except TypeError:  # e.g. an integer beyond 64 bits, which orjson refuses
        return json.dumps(value, default=str)


def _pseudonymized(field: Field, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Personal data -> keyed hash; the plain value never leaves this function."""
    texts, oks = zip(*map(pii.plain_value, raw.tolist()), strict=True) if len(raw) else ((), ())
    return (
        pd.Series(pii.keyed_hashes(field.pii, list(texts)), index=raw.index, dtype="string"),
        pd.Series(oks, index=raw.index, dtype=bool),
    )


def _convert_nested_times(spec: EntitySpec, data: list[dict]) -> list[Problem]:
    """Rewrite timestamps nested in JSON columns to canonical UTC text, in place."""
    problems: list[Problem] = []
    paths = [(p, parse_timestamps, "timestamp") for p in spec.nested_times]
    paths += [(p, parse_epoch_ms, "epoch_ms") for p in spec.nested_epoch_ms]
    for path, parse, type_name in paths:
        slots = list(_nested_slots(data, path))
        if not slots:
            continue
        values = pd.Series([container[key] for _, container, key in slots], dtype=object)
        converted = canonical_text(parse(values))
        for (index, container, key), before, after in zip(slots, values, converted, strict=True):
            container[key] = after
            if after is None and before is not None:
                reason = f"expected {TYPE_NAMES[type_name]}, got {_show(before)}"
                problems.append(Problem(index, path, before, reason, "wrong_type", NULLED))
    return problems


def _nested_slots(data: list[dict], path: str):
    """(record index, container dict, key) of every value at a path like `a[].b` or `a.b`."""
    *steps, last = path.split(".")
    for index, record in enumerate(data):
        containers = [record]
        for step in steps:
            name, is_list = (step[:-2], True) if step.endswith("[]") else (step, False)
            nxt = []
            for c in containers:
                value = c.get(name) if isinstance(c, dict) else None
                if is_list and isinstance(value, list):
                    nxt += [v for v in value if isinstance(v, dict)]
                elif not is_list and isinstance(value, dict):
                    nxt.append(value)
            containers = nxt
        for c in containers:
            if isinstance(c, dict) and c.get(last) is not None:
                yield index, c, last


@dataclass
class Checked:
    """The typed rows of a file, and every problem found in them."""

    rows: pd.DataFrame  # typed columns + `_line`, `_location`, `_extra`
    problems: list[Problem]
    # With the suite deferred: what it would check, of the readable records. Its
    # verdict over a whole file's frames is the one over each batch's: every rule
    # judges one row at a time.
    check: pd.DataFrame | None = None

    @property
    def bad_index(self) -> set[int]:
        """Records not loaded."""
        return {p.index for p in self.problems if p.action == DROPPED}


def check_records(spec: EntitySpec, records: list[Record], defer_suite: bool = False) -> Checked:
    """Type the records and check them. With `defer_suite`, Great Expectations does not
    run: the frame it would check comes back instead (`suite_passes` judges many)."""
    fields = spec.field_names
    names = set(fields)
    data = [r.data if r.problem is None else {} for r in records]
    problems = [
        Problem(i, None, None, r.problem, r.problem_code)
        for i, r in enumerate(records)
        if r.problem is not None
    ]
    problems += _convert_nested_times(spec, data)
    raw = pd.DataFrame({f: pd.Series([d.get(f) for d in data], dtype=object) for f in fields})

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
        check[f"{earlier}__utc"] = frame[earlier]
        check[f"{later}__utc"] = frame[later]

    frame["_line"] = [r.line for r in records]
    frame["_location"] = [r.location for r in records]
    frame["_extra"] = pd.Series(
        [_extra(d, names, spec.keep_extra) for d in data], index=raw.index, dtype="string"
    )
    unreadable = {p.index for p in problems if p.field is None}  # said once, above
    deferred = None
    if defer_suite:
        deferred = _compact(check.drop(index=list(unreadable)))
    elif len(raw):
        problems += [p for p in _run_suite(spec, check, raw) if p.index not in unreadable]
    for p in problems:  # an optional field that failed is stored as null
        if p.action == NULLED and p.field in names:
            frame.loc[p.index, p.field] = None
    return Checked(frame, problems, deferred)


def _extra(record: dict, declared: set[str], keep: bool) -> str | None:
    if record.keys() <= declared:  # the common case, checked in C
        return None
    extra = {k: v for k, v in record.items() if k not in declared}
    if not extra:
        return None
    if not keep:  # may hold personal data (addresses, links to resumes): names only
        extra = {"_dropped_fields": sorted(extra)}
    return _json_text(extra)


@dataclass(frozen=True)
class _Rule:
    """An expectation, and what a failure of it means for one row."""

    expectation: object
    field: str
    word: Callable[[object], str]  # the reason, given the raw value
    code: str
    action: str


def _failure_action(spec: EntitySpec, f: Field) -> str:
    return DROPPED if f.required or f.name in spec.key else NULLED


@cache
def _rules(spec: EntitySpec) -> tuple[_Rule, ...]:
    _import_gx()  # first: GX without pyspark
    import great_expectations.expectations as gxe

    rules: list[_Rule] = []
    for f in spec.fields:
        action = _failure_action(spec, f)
        if f.required:
            rules.append(
                _Rule(
                    gxe.ExpectColumnValuesToNotBeNull(column=f.name),
                    f.name,
                    lambda _v: "required field is missing",
                    "missing_required",
                    DROPPED,
                )
            )
        if f.type != "text" or f.pii:
            rules.append(
                _Rule(
                    gxe.ExpectColumnValuesToBeInSet(column=f"{f.name}__type_ok", value_set=[True]),
                    f.name,
                    lambda v, f=f: f"expected {_type_name(f)}, got {_show(v, f)}",
                    "wrong_type",
                    action,
                )
            )
        if f.values:
            rules.append(
                _Rule(
                    gxe.ExpectColumnValuesToBeInSet(
                        column=f"{f.name}__text", value_set=list(f.values)
                    ),
                    f.name,
                    lambda v, f=f: f"{_show(v, f)} is not one of: {', '.join(f.values)}",
                    "not_in_set",
                    action,
                )
            )
    for earlier, later in spec.time_order:
        rules.append(
            _Rule(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=f"{later}__utc",
                    column_B=f"{earlier}__utc",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                later,
                lambda _v, first=earlier, then=later: f"{then} is before {first}",
                "time_order",
                FLAGGED,
            )
        )
    return tuple(rules)


def _type_name(f: Field) -> str:
    return PII_TYPE_NAME if f.pii else TYPE_NAMES[f.type]


def _show(v, f: Field | None = None) -> str:
    """A value as quoted in a reason; personal data is described, never quoted."""
    if f is not None and f.pii:
        return f"a value of type {type(v).__name__}"
    text = json.dumps(v, default=str) if not isinstance(v, str) else repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _import_gx():
    """Great Expectations (a slow import: only where validation runs), without pyspark.

    GX imports pyspark when it is installed, to offer Spark datasources; we
    validate pandas frames, and importing pyspark cost every refresh about a
    second. A None entry in sys.modules makes that import fail as if pyspark were
    absent; it is removed right after, so code that does need pyspark can load it.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    blocked = "pyspark" not in sys.modules
    if blocked:
        sys.modules["pyspark"] = None  # type: ignore[assignment]
    try:
        import great_expectations as gx
    finally:
        if blocked:
            del sys.modules["pyspark"]
    return gx


def prepare() -> None:
    """Import and set up Great Expectations now rather than at the first batch (about
    4 s): a worker started ahead of the ingest does it while the refresh sets up."""
    _batch_definition()


@cache
def _batch_definition():
    gx = _import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("export_files")
    return source.add_dataframe_asset("records").add_batch_definition_whole_dataframe("file")


def _run_suite(spec: EntitySpec, check: pd.DataFrame, raw: pd.DataFrame) -> list[Problem]:
    """GX's verdict on every rule, then the failing rows of the rules that failed.

    Two passes: a BOOLEAN_ONLY validation of every rule, then a COMPLETE one of
    only the rules that failed, for their rows' indexes. COMPLETE computes each
    rule's unexpected values, indexes and value counts even when nothing fails:
    twice BOOLEAN_ONLY's cost on a 25k-record batch, three times on a small
    file, for lists that are empty in almost every batch.
    """
    rules = _rules(spec)
    outcomes = _validate(spec, check, tuple(range(len(rules))), "BOOLEAN_ONLY")
    failed = tuple(i for i, outcome in enumerate(outcomes) if not outcome.success)
    if not failed:
        return []
    problems: list[Problem] = []
    for i, outcome in zip(failed, _validate(spec, check, failed, "COMPLETE"), strict=True):
        rule = rules[i]
        field = spec.field(rule.field)
        for index in outcome.result.get("unexpected_index_list") or []:
            value = raw.at[index, rule.field]
            shown = None if field.pii or value is None else str(value)
            problems.append(
                Problem(int(index), rule.field, shown, rule.word(value), rule.code, rule.action)
            )
    return problems


def _compact(check: pd.DataFrame) -> pd.DataFrame:
    """A check frame to keep until the file's end: its texts (presence, values to be
    in a set) as categories, a byte a row where strings take about 60. Always of
    text categories, even where a batch has no value, so that batches join up."""
    texts = [c for c in check.columns if not c.endswith(("__type_ok", "__utc"))]
    return check.astype(dict.fromkeys(texts, "str")).astype(dict.fromkeys(texts, "category"))


def suite_passes(spec: EntitySpec, checks: list[pd.DataFrame]) -> bool:
    """Whether every rule holds over the deferred check frames of a file's batches:
    one BOOLEAN_ONLY validation. A validation costs about 0.15 s however few its
    rows: 170k applications took 1.1 s in 7 batches of 25k, 0.23 s at once."""
    checks = [c for c in checks if len(c)]
    if not checks:
        return True
    columns = {
        name: union_categoricals([c[name] for c in checks])
        if isinstance(checks[0][name].dtype, pd.CategoricalDtype)
        else pd.concat([c[name] for c in checks], ignore_index=True)
        for name in checks[0].columns
    }
    check = pd.DataFrame(columns)
    rules = tuple(range(len(_rules(spec))))
    return all(outcome.success for outcome in _validate(spec, check, rules, "BOOLEAN_ONLY"))


def _validate(spec: EntitySpec, check: pd.DataFrame, which: tuple[int, ...], detail: str):
    """GX's result of the spec's rules numbered `which` over `check`, in that order."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": check})
    results = batch.validate(_suite(spec, which), result_format={"result_format": detail}).results
    for outcome in results:
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"validation of {spec.table} could not run: {outcome.exception_info}"
            )
    return results


@cache
def _suite(spec: EntitySpec, which: tuple[int, ...]):
    """The suite of some of a spec's rules, made once per process: adding expectations
    compares each with those already added (a tenth of a batch's validation)."""
    rules = _rules(spec)
    suite = _import_gx().ExpectationSuite(name=f"{spec.source}.{spec.name}")
    for i in which:
        suite.add_expectation(rules[i].expectation)
    return suite
