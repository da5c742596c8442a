"""Property-based fuzz of the readers and validators: whatever an export holds, each
record ends loaded or quarantined, or the file is refused with a named error —
never an unhandled exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.ingest import raw_store, timestamps
from orchestration.ingest.loader import load_file
from orchestration.ingest.readers import ExportFileError, read_csv_records, read_json_records
from orchestration.ingest.sources import SOURCES
from orchestration.ingest.validation import check_records

SPECS = [(source, spec) for source in SOURCES for spec in source.specs]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-02-13T07:30:00Z", "2026-02-30", "20250601T100000Z", "1e309", ""]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _write(data: bytes, name: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / name
    path.write_bytes(data)
    return path


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_json_read_or_refused_by_name(data):
    try:
        content = read_json_records(_write(data, "x.json"), "greenhouse/x.json")
    except ExportFileError as exc:
        assert str(exc).startswith("greenhouse/x.json")
    else:
        assert all(isinstance(r.data, dict) for r in content.records)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_csv_read_or_refused_by_name(data):
    try:
        read_csv_records(_write(data, "x.csv"), "people/x.csv", ["employee_id"], ["employee_id"])
    except ExportFileError as exc:
        assert str(exc).startswith("people/x.csv")


@FUZZ
@given(
    st.sampled_from(SPECS),
    st.lists(st.dictionaries(st.text(max_size=12), json_values), max_size=4),
    st.data(),
)
def test_any_value_in_any_field_is_loaded_or_quarantined(source_spec, extra_records, data):
    from orchestration.ingest.readers import Record

    _, spec = source_spec
    records = [
        Record({f.name: data.draw(json_values, label=f.name) for f in spec.fields}, i, f"line {i}")
        for i in range(3)
    ] + [Record(r, 3 + i, f"line {3 + i}") for i, r in enumerate(extra_records)]
    checked = check_records(spec, records)
    assert len(checked.rows) == len(records)
    for problem in checked.problems:
        assert problem.action in ("dropped", "nulled", "flagged")
        assert problem.code


@FUZZ
@given(st.sampled_from(SPECS), st.lists(json_values, max_size=4))
def test_any_file_content_loads_into_duckdb_without_an_unhandled_exception(source_spec, values):
    source, spec = source_spec
    folder = Path(tempfile.mkdtemp(prefix="fuzz-export-"))
    (folder / source.folder).mkdir()
    if spec.extensions == (".csv",):
        header = ",".join(spec.field_names)
        body = "\n".join(
            ",".join(json.dumps(v)[:20].replace(",", ";") for _ in spec.fields) for v in values
        )
        (folder / source.folder / f"{spec.name}.csv").write_text(header + "\n" + body + "\n")
    else:
        (folder / source.folder / f"{spec.name}.json").write_text(json.dumps(values))
    con = duckdb.connect(":memory:")
    try:
        raw_store.ensure_raw_tables(con, [spec])
        result = load_file(con, source, spec, folder, "fuzz")
    finally:
        con.close()
    assert result.status in ("loaded", "error")
    if result.status == "error":
        assert result.error.startswith(f"{source.folder}/{spec.name}")


# Text that almost has a common shape: digits anywhere, any sign, any separator.
_near_common = st.builds(
    lambda shape, chars: "".join(c if c not in "0+" else chars[i] for i, c in enumerate(shape)),
    st.sampled_from(timestamps._COMMON_SHAPES),
    st.lists(st.sampled_from("0123456789+-:Z٣"), min_size=25, max_size=25),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_near_common, st.text(max_size=30), st.none()), max_size=20))
def test_common_shape_fast_path_reads_every_value_as_the_pattern_does(values):
    series = pd.Series(values, dtype=object)
    fast = timestamps.parse_timestamps(series)
    by_pattern = timestamps._parse_with_pattern(series)
    assert ((fast == by_pattern) | (fast.isna() & by_pattern.isna())).all(), values
