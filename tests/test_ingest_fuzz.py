"""Property-based fuzz of the readers and validators: whatever an export holds, each
record ends loaded or quarantined, or the file is refused with a named error —
never an unhandled exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from unittest import mock

import duckdb
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestration.ingest import raw_store, readers, timestamps
from orchestration.ingest.loader import load_file
from orchestration.ingest.readers import (
    BatchReadFailed,
    ExportFileError,
    read_csv_records,
    read_json_records,
)
from orchestration.ingest.sources import SOURCES
from orchestration.ingest.validation import check_records

SPECS = [(source, spec) for source in SOURCES for spec in source.specs]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Every example's files, in one folder removed when the run ends (a folder per example
# left about 1,700 in the system's temp folder per run).
SCRATCH = tempfile.TemporaryDirectory(prefix="fuzz-")

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
    folder = Path(tempfile.mkdtemp(dir=SCRATCH.name))
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


def _outcome(read) -> tuple:
    """What a reader makes of a file: its records (data, line, location, problem) or its error."""
    try:
        records = read()
    except ExportFileError as exc:
        return ("error", str(exc))
    return ("records", [(r.data, r.line, r.location, r.problem) for r in records])


def _in_batches(read_batches, read_whole, block: int = 5) -> list:
    """Records as the loader gets them from a large file: in batches (of 2 records here,
    from blocks of 5 characters, or `block`), read again whole when the batches cannot go on."""
    with (
        mock.patch.object(readers, "STREAM_BYTES", 0),
        mock.patch.object(readers, "_BLOCK_CHARS", block),
    ):
        try:
            return [r for content in read_batches() for r in content.records]
        except BatchReadFailed:
            return read_whole().records


def _layouts(values: list) -> list[bytes]:
    """The ways an export lays out the same values: an array (one line, one value per
    line, indented), JSON Lines, and API pages (array of pages, page per line, page objects)."""
    pages = [values[i : i + 2] for i in range(0, len(values), 2)]
    dump = json.dumps
    return [
        dump(values).encode(),
        ("[" + ",\n".join(dump(v) for v in values) + "]\n").encode(),
        dump(values, indent=2).encode(),
        "".join(dump(v) + "\n" for v in values).encode(),
        dump(pages).encode(),
        "".join(dump(p) + "\n" for p in pages).encode(),
        dump([{"data": p, "hasNext": True} for p in pages]).encode(),
    ]


@FUZZ
@given(
    st.lists(
        st.dictionaries(st.text(max_size=8), json_values, max_size=3) | json_values, max_size=5
    ),
    st.integers(min_value=0, max_value=6),
    st.sampled_from([5, 1 << 20]),  # lines cut by the block's end, or whole lines
)
def test_json_read_in_batches_gives_the_records_of_the_whole_file(values, layout, block):
    path = _write(_layouts(values)[layout], "x.json")
    whole = _outcome(lambda: read_json_records(path, "x.json").records)
    batched = _outcome(
        lambda: _in_batches(
            lambda: readers.read_json_batches(path, "x.json", size=2),
            lambda: read_json_records(path, "x.json"),
            block,
        )
    )
    assert batched == whole


def test_an_element_is_read_from_its_line_only_when_the_line_holds_it_whole():
    # each shape next to the one-record-a-line case the fast path takes
    text = (
        '[{"id": 1, "tags": [1,\n 2]},\n'  # a line ending in "," inside an element
        '{"id": 2}, {"id": 3},\n'  # two elements on a line
        '{"id": 4, "note": "a,"},\r\n'  # a comma in a string, a CRLF line end
        '  {\n    "id": 5\n  },\n'  # indented
        '{"id": 6}]\n'  # the last element before "]"
    )
    path = _write(text.encode(), "x.json")
    for block in (5, 1 << 20):
        records = _in_batches(
            lambda: readers.read_json_batches(path, "x.json", size=2),
            lambda: read_json_records(path, "x.json"),
            block,
        )
        assert [r.data["id"] for r in records] == [1, 2, 3, 4, 5, 6]
        assert records[0].data["tags"] == [1, 2] and records[3].data["note"] == "a,"
        assert _outcome(lambda r=records: r) == _outcome(
            lambda: read_json_records(path, "x.json").records
        )


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_read_in_batches_as_whole(data):
    json_path, csv_path = _write(data, "x.json"), _write(data, "x.csv")
    columns = (["employee_id"], ["employee_id", "name"])
    for path, batches, whole in (
        (
            json_path,
            lambda: readers.read_json_batches(json_path, "x.json", size=2),
            lambda: read_json_records(json_path, "x.json"),
        ),
        (
            csv_path,
            lambda: readers.read_csv_batches(csv_path, "x.csv", *columns, size=2),
            lambda: read_csv_records(csv_path, "x.csv", *columns),
        ),
    ):
        assert _outcome(lambda b=batches, w=whole: _in_batches(b, w)) == _outcome(
            lambda w=whole: w().records
        ), path.name


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
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=SCRATCH.name))
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
