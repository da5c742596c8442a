"""The ingest layer: file encodings, validation, quarantine, idempotent and newer-wins loads."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import tempfile
import types
from concurrent.futures import Future
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from orchestration.ingest import checked, loader, pii, raw_store, readers, validation
from orchestration.ingest.loader import load_file, load_source
from orchestration.ingest.readers import ExportFileError, Record, read_json_records
from orchestration.ingest.sources import GREENHOUSE_SOURCE, PEOPLE_SOURCE
from orchestration.ingest.specs import EntitySpec
from orchestration.ingest.validation import check_records

APPS = [
    {
        "id": 11,
        "candidate_id": 1,
        "status": "active",
        "applied_at": "2026-02-12T23:30:00-08:00",
        "jobs": [{"id": 5, "name": "Engineer"}],
        "source": {"id": 3, "public_name": "Referral"},
    },
    {
        "id": 12,
        "candidate_id": 2,
        "status": "rejected",
        "applied_at": "2026-02-01T09:00:00Z",
        "rejected_at": "2026-02-10T09:00:00Z",
        "jobs": [{"id": 5, "name": "Engineer"}],
    },
    {
        "id": 13,
        "candidate_id": 3,
        "prospect": True,
        "applied_at": None,
        "status": "active",
        "jobs": [],
        "custom_note": "kept in _extra",
    },
]
JOBS = [{"id": 5, "name": "Engineer", "status": "open", "created_at": "2026-01-05T10:00:00Z"}]


@pytest.fixture(autouse=True, params=["whole", "batches"])
def reading(request, monkeypatch):
    """Every test twice: files read whole, and every file read in batches of 3
    records from blocks of 16 characters (how a large export is read), which must
    give the same outcome."""
    if request.param == "batches":
        monkeypatch.setattr(readers, "STREAM_BYTES", 0)
        monkeypatch.setattr(readers, "BATCH_RECORDS", 3)
        monkeypatch.setattr(readers, "_BLOCK_CHARS", 16)


def spec_named(name: str) -> EntitySpec:
    return next(s for s in (*GREENHOUSE_SOURCE.specs, *PEOPLE_SOURCE.specs) if s.name == name)


def write_export(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def con(tmp_path):
    connection = raw_store.connect(tmp_path / "wh" / "warehouse.duckdb")
    raw_store.ensure_raw_tables(connection)
    yield connection
    connection.close()


def load(con, export: Path, name: str, load_id: str = "load-1"):
    source = (
        GREENHOUSE_SOURCE if name in {s.name for s in GREENHOUSE_SOURCE.specs} else PEOPLE_SOURCE
    )
    return load_file(con, source, spec_named(name), export, load_id)


def rows(con, sql: str):
    return con.execute(sql).fetchall()


# -- encodings -------------------------------------------------------------------------


def _page(items, has_next):
    return {"data": items, "hasNext": has_next, "next": "abc" if has_next else None}


ENCODINGS = {
    "array": json.dumps(APPS),
    "json_lines": "\n".join(json.dumps(a) for a in APPS) + "\n",
    "paged": json.dumps([APPS[:2], APPS[2:]]),
    "paged_json_lines": json.dumps(APPS[:2]) + "\n" + json.dumps(APPS[2:]) + "\n",
    "page_object": json.dumps(_page(APPS, False), indent=2),
    "array_of_page_objects": json.dumps([_page(APPS[:2], True), _page(APPS[2:], False)]),
    "page_objects_json_lines": "\n".join(
        json.dumps(p) for p in (_page(APPS[:1], True), _page(APPS[1:], False))
    ),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_encoding_loads_the_same_rows(con, tmp_path, encoding):
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": ENCODINGS[encoding]})
    result = load(con, export, "applications")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 3, 0)
    assert rows(
        con,
        "select id, candidate_id, prospect, applied_at from raw_greenhouse.applications order by id",
    ) == [
        (11, 1, None, datetime(2026, 2, 13, 7, 30)),  # converted to UTC at the door
        (12, 2, None, datetime(2026, 2, 1, 9, 0)),
        (13, 3, True, None),
    ]
    # nested objects are kept as JSON, undeclared fields in _extra, metadata on every row
    assert rows(
        con,
        "select source->>'public_name', _extra->>'custom_note', _source_file from raw_greenhouse.applications where id in (11, 13) order by id",
    ) == [
        ("Referral", None, "greenhouse/applications.json"),
        (None, "kept in _extra", "greenhouse/applications.json"),
    ]


def test_a_gzip_compressed_file_loads_as_the_plain_one(con, tmp_path):
    export = tmp_path / "e"
    (export / "greenhouse").mkdir(parents=True)
    (export / "greenhouse" / "applications.jsonl.gz").write_bytes(
        gzip.compress(ENCODINGS["json_lines"].encode(), mtime=0)
    )
    result = load(con, export, "applications")
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 3, 0)
    assert rows(con, "select distinct _source_file from raw_greenhouse.applications") == [
        ("greenhouse/applications.jsonl.gz",)
    ]


def test_a_plain_and_a_compressed_snapshot_of_one_entity_block(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": ENCODINGS["array"]})
    (export / "greenhouse" / "applications.json.gz").write_bytes(
        gzip.compress(ENCODINGS["array"].encode(), mtime=0)
    )
    result = load(con, export, "applications")
    assert result.blocking
    assert "two full snapshots of applications" in result.error


def test_a_broken_gzip_file_names_the_file(con, tmp_path):
    export = tmp_path / "e"
    (export / "greenhouse").mkdir(parents=True)
    (export / "greenhouse" / "applications.json.gz").write_bytes(b"not gzip at all")
    result = load(con, export, "applications")
    assert result.blocking
    assert "not a readable gzip file" in result.error


def test_json_lines_records_remember_their_line(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("\n".join(json.dumps(a) for a in APPS))
    assert [(r.line, r.location) for r in read_json_records(path, "a.json").records] == [
        (1, "line 1"),
        (2, "line 2"),
        (3, "line 3"),
    ]


def test_empty_optional_file_is_zero_rows(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/offers.json": "[]"})
    result = load(con, export, "offers")
    assert (result.status, result.rows_loaded, result.blocking) == ("loaded", 0, False)


def test_missing_optional_file_is_no_rows_and_no_error(con, tmp_path):
    (tmp_path / "greenhouse").mkdir()
    result = load(con, tmp_path, "offers")
    assert (result.status, result.blocking) == ("missing", False)


def test_a_source_the_export_does_not_use_is_absent_not_missing(con, tmp_path):
    # no greenhouse/ folder at all (a Lever-only export): even required files are not missing
    result = load(con, tmp_path, "applications")
    assert (result.status, result.blocking) == ("absent", False)


# -- files that block the refresh --------------------------------------------------------


def test_truncated_json_names_file_and_line(con, tmp_path):
    text = json.dumps(JOBS, indent=2)
    export = write_export(tmp_path / "e", {"greenhouse/jobs.json": text[: len(text) // 2]})
    result = load(con, export, "jobs")
    assert result.blocking
    assert result.error.startswith("greenhouse/jobs.json line ")
    assert "not valid JSON" in result.error
    assert rows(con, "select count(*) from raw_greenhouse.jobs") == [(0,)]


def test_reader_raises_with_line_of_the_break(tmp_path):
    path = tmp_path / "jobs.json"
    path.write_text('[\n  {"id": 1},\n  {"id": 2,\n')
    with pytest.raises(ExportFileError) as caught:
        read_json_records(path, "greenhouse/jobs.json")
    assert caught.value.file == "greenhouse/jobs.json"
    assert caught.value.line == 4


@pytest.mark.parametrize("content", [None, "[]"], ids=["missing", "empty"])
def test_required_file_missing_or_empty_blocks(con, tmp_path, content):
    files = {} if content is None else {"greenhouse/applications.json": content}
    export = write_export(tmp_path / "e", files)
    (export / "greenhouse").mkdir(parents=True, exist_ok=True)
    result = load(con, export, "applications")
    assert result.blocking
    assert "greenhouse/applications.json" in result.error
    assert ("missing" if content is None else "no rows") in result.error


def test_csv_without_a_required_column_blocks(con, tmp_path):
    export = write_export(
        tmp_path / "e", {"people/employees.csv": "employee_id,source_system\nE1,greenhouse\n"}
    )
    result = load(con, export, "employees")
    assert result.blocking
    assert (
        result.error == "people/employees.csv line 1: header lacks required column(s): start_date"
    )


# -- bad rows go to quarantine, the rest loads --------------------------------------------


def test_bad_rows_are_quarantined_with_file_line_field_reason_and_action(con, tmp_path):
    bad = [
        *APPS[:2],
        {"id": 14, "status": "active", "applied_at": "2026-02-01T09:00:00Z"},  # no candidate_id
        {"id": "fourteen", "candidate_id": 4, "status": "active"},  # wrong type of key
        {"id": 16, "candidate_id": 6, "status": "pending"},  # not in the value set
        {
            "id": 17,
            "candidate_id": 7,
            "status": "rejected",
            "applied_at": "2026-03-01T00:00:00Z",
            "rejected_at": "2026-02-01T00:00:00Z",
        },  # time order: loaded, with a warning
        {"id": 18, "candidate_id": 8, "status": "active", "prospect": "maybe"},  # optional field
    ]
    export = write_export(
        tmp_path / "e", {"greenhouse/applications.json": "\n".join(json.dumps(b) for b in bad)}
    )
    result = load(con, export, "applications")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 4, 3)
    assert (result.rows_flagged, result.fields_nulled) == (1, 1)
    assert rows(con, "select id, prospect from raw_greenhouse.applications order by id") == [
        (11, None),
        (12, None),
        (17, None),
        (18, None),
    ]
    assert rows(
        con,
        "select file, line, field, value, reason, reason_code, action"
        " from raw.quarantine order by line",
    ) == [
        (
            "greenhouse/applications.json",
            3,
            "candidate_id",
            None,
            "required field is missing",
            "missing_required",
            "dropped",
        ),
        (
            "greenhouse/applications.json",
            4,
            "id",
            "fourteen",
            "expected an integer id, got 'fourteen'",
            "wrong_type",
            "dropped",
        ),
        (
            "greenhouse/applications.json",
            5,
            "status",
            "pending",
            "'pending' is not one of: active, rejected, hired, converted",
            "not_in_set",
            "dropped",
        ),
        (
            "greenhouse/applications.json",
            6,
            "rejected_at",
            "2026-02-01T00:00:00Z",
            "rejected_at is before applied_at",
            "time_order",
            "flagged",
        ),
        (
            "greenhouse/applications.json",
            7,
            "prospect",
            "maybe",
            "expected true or false, got 'maybe'",
            "wrong_type",
            "nulled",
        ),
    ]
    # the whole record is kept, so nothing is lost
    assert rows(con, "select record->>'id' from raw.quarantine where line = 4") == [("fourteen",)]


def test_unparseable_json_line_is_quarantined_with_its_text(con, tmp_path):
    text = json.dumps(APPS[0]) + "\n" + '{"id": 12, "candidate_id":\n'
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": text})
    result = load(con, export, "applications")
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert rows(
        con,
        "select line, reason like 'not valid JSON%', record->>'_unparsed_text' from raw.quarantine",
    ) == [
        (2, True, '{"id": 12, "candidate_id":'),
    ]


def test_csv_rows_are_typed_and_bad_rows_quarantined(con, tmp_path):
    csv = (
        "employee_id,source_system,application_id,start_date,termination_date,termination_type\n"
        "E1,greenhouse,11,2026-03-02,,\n"
        "E2,greenhouse,12,2026-02-30,,\n"
        "E3,greenhouse,13,2026-03-02,2026-01-01,voluntary\n"
        "E4,greenhouse,14\n"
    )
    export = write_export(tmp_path / "e", {"people/employees.csv": csv})
    result = load(con, export, "employees")
    assert (result.rows_loaded, result.rows_quarantined, result.rows_flagged) == (2, 2, 1)
    assert rows(
        con,
        "select employee_id, application_id, start_date from raw_people.employees order by 1",
    ) == [("E1", "11", date(2026, 3, 2)), ("E3", "13", date(2026, 3, 2))]
    assert rows(con, "select line, field, reason, action from raw.quarantine order by line") == [
        (3, "start_date", "expected a date (YYYY-MM-DD), got '2026-02-30'", "dropped"),
        (4, "termination_date", "termination_date is before start_date", "flagged"),
        (5, None, "expected 6 fields, got 3", "dropped"),
    ]


# -- idempotence and newer-wins ------------------------------------------------------------


def test_loading_the_same_file_twice_changes_nothing(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": json.dumps(APPS)})
    first = load(con, export, "applications", "load-1")
    before = rows(con, "select * from raw_greenhouse.applications order by id")
    second = load(con, export, "applications", "load-2")
    assert (first.status, second.status) == ("loaded", "unchanged")
    assert rows(con, "select * from raw_greenhouse.applications order by id") == before
    assert rows(con, "select count(*) from raw.load_log") == [(1,)]


def job(status: str, updated: str, **more) -> dict:
    return {**JOBS[0], "status": status, "updated_at": updated, **more}


def test_a_new_snapshot_replaces_the_entity_and_counts_what_it_no_longer_holds(con, tmp_path):
    export = tmp_path / "e"
    two = [job("open", "2026-02-01T00:00:00Z"), job("open", "2026-02-01T00:00:00Z", id=6)]
    write_export(export, {"greenhouse/jobs.json": json.dumps(two)})
    load(con, export, "jobs", "load-1")
    # the ATS deleted job 6 and reopened job 5 as a draft (older updated_at: still the truth)
    write_export(
        export, {"greenhouse/jobs.json": json.dumps([job("draft", "2026-01-01T00:00:00Z")])}
    )
    result = load(con, export, "jobs", "load-2")
    assert (result.rows_loaded, result.rows_deleted) == (1, 1)
    assert rows(con, "select id, status, _load_id from raw_greenhouse.jobs") == [
        (5, "draft", "load-2")
    ]
    # going back to the first file is a change too: it is loaded again
    write_export(export, {"greenhouse/jobs.json": json.dumps(two)})
    assert load(con, export, "jobs", "load-3").status == "loaded"
    assert rows(con, "select count(*) from raw_greenhouse.jobs") == [(2,)]


def test_delta_files_merge_by_key_and_an_older_version_never_wins(con, tmp_path):
    export = tmp_path / "e"
    write_export(
        export,
        {
            "greenhouse/jobs.json": json.dumps([job("open", "2026-02-01T00:00:00Z")]),
            "greenhouse/jobs.delta-01.jsonl": json.dumps(
                job("closed", "2026-03-01T00:00:00+01:00")
            ),
            "greenhouse/jobs.delta-02.jsonl": json.dumps(job("draft", "2026-01-01T00:00:00Z"))
            + "\n"
            + json.dumps(job("open", "2026-01-01T00:00:00Z", id=7)),
        },
    )
    result = load(con, export, "jobs", "load-1")
    assert result.status == "loaded"
    assert rows(con, "select id, status from raw_greenhouse.jobs order by id") == [
        (5, "closed"),
        (7, "open"),
    ]
    # a new delta alone is applied on top; the others are not read again
    write_export(
        export,
        {"greenhouse/jobs.delta-03.jsonl": json.dumps(job("draft", "2026-04-01T00:00:00Z", id=7))},
    )
    assert load(con, export, "jobs", "load-2").rows_read == 1
    assert rows(con, "select id, status from raw_greenhouse.jobs order by id") == [
        (5, "closed"),
        (7, "draft"),
    ]
    assert load(con, export, "jobs", "load-3").status == "unchanged"


def test_the_same_key_twice_in_a_file_keeps_the_newest_version_not_the_last_line(con, tmp_path):
    newer = {**APPS[1], "status": "rejected", "last_activity_at": "2026-03-01T00:00:00Z"}
    older = {**APPS[1], "status": "active", "last_activity_at": "2026-02-01T00:00:00Z"}
    export = write_export(
        tmp_path / "e",
        {"greenhouse/applications.json": json.dumps([APPS[0], newer, older])},
    )
    result = load(con, export, "applications")
    assert (result.rows_loaded, result.duplicates, result.rows_quarantined) == (2, 1, 0)
    assert rows(con, "select status from raw_greenhouse.applications where id = 12") == [
        ("rejected",)
    ]
    assert rows(con, "select location, reason_code, reason from raw.quarantine") == [
        ("item 2", "duplicate_key", "duplicate key id=12: the newer version at item 1 is kept")
    ]


def test_load_source_covers_every_table_of_the_adapter(con, tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "greenhouse/applications.json": json.dumps(APPS),
            "greenhouse/jobs.json": json.dumps(JOBS),
        },
    )
    results = load_source(con, GREENHOUSE_SOURCE, export, "load-1")
    assert [r.entity for r in results] == [s.name for s in GREENHOUSE_SOURCE.specs]
    assert {r.entity: r.status for r in results if r.status != "missing"} == {
        "applications": "loaded",
        "jobs": "loaded",
    }


def _said(messages: list[str]) -> list[str]:
    """Progress messages without the seconds they report."""
    return [re.sub(r"\((\d+|\d+\.\d) s\)", "(_ s)", m) for m in messages]


def test_load_source_says_each_file_as_soon_as_it_is_stored(con, tmp_path):
    """At 1M applications a source's files take 40 s: each is said once stored, before
    the next is read, not all at the end (the CLI and Dagster's run log print what
    `report` is told)."""
    export = write_export(
        tmp_path / "e",
        {
            "greenhouse/applications.json": json.dumps(APPS),
            "greenhouse/jobs.json": json.dumps(JOBS),
        },
    )
    said = []  # each message, with the jobs stored when it was said
    jobs = spec_named("jobs")
    load_source(
        con,
        GREENHOUSE_SOURCE,
        export,
        "load-1",
        report=lambda message: said.append((message, raw_store.stored_rows(con, jobs))),
    )
    assert list(zip(_said([m for m, _ in said]), [n for _, n in said], strict=True)) == [
        ("  greenhouse/applications.json: 3 rows loaded, 0 quarantined (_ s)", 0),
        ("  greenhouse/jobs.json: 1 rows loaded, 0 quarantined (_ s)", 1),
    ]


def test_a_file_that_takes_long_says_how_many_rows_are_stored(con, tmp_path, monkeypatch):
    """Read in batches, a file says how far it has got once PROGRESS_SECONDS have gone
    by (here: at every batch), then its outcome; and a blocking file says why."""
    monkeypatch.setattr(loader, "PROGRESS_SECONDS", 0.0)
    applications = [{**APPS[1], "id": 100 + n, "candidate_id": n} for n in range(7)]
    export = write_export(
        tmp_path / "e",
        {
            "greenhouse/applications.json": json.dumps(applications),
            "greenhouse/jobs.json": "[{",  # cut short
        },
    )
    said = []
    load_source(con, GREENHOUSE_SOURCE, export, "load-1", report=said.append)
    in_batches = readers.STREAM_BYTES == 0  # of 3 records; else the file is read whole
    stored_so_far = [3, 6, 7] if in_batches else [7]
    assert _said(said[:-1]) == [
        *(f"  greenhouse/applications.json: {n} rows stored (_ s)" for n in stored_so_far),
        "  greenhouse/applications.json: 7 rows loaded, 0 quarantined (_ s)",
    ]
    assert (
        said[-1]
        == "  greenhouse/jobs.json line 1: not valid JSON (unexpected end of data, column 3)"
    )


def test_a_file_a_worker_checked_says_how_many_rows_are_stored(con, tmp_path, monkeypatch):
    """Storing a worker's batches (a few seconds at 1M applications) says how far it
    has got too. The worker's part runs in this process here."""
    monkeypatch.setattr(loader, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(checked, "WORKER_BATCH", 2)
    monkeypatch.setattr(checked, "FILE_MIN_BYTES", 0)
    monkeypatch.setattr(checked, "SOURCE_MIN_BYTES", 0)

    def checked_here(workers, job: checked.FileJob, spool: Path) -> Future:
        future = Future()
        future.set_result(checked._prepare(job, spool))
        return future

    monkeypatch.setattr(checked._Workers, "submit", checked_here)
    applications = [{**APPS[1], "id": 100 + n, "candidate_id": n} for n in range(5)]
    export = write_export(
        tmp_path / "e", {"greenhouse/applications.json": json.dumps(applications)}
    )
    said = []
    load_source(con, GREENHOUSE_SOURCE, export, "load-1", report=said.append)
    in_batches = readers.STREAM_BYTES == 0  # else the file is read whole: one batch
    assert _said(said) == [
        *(
            f"  greenhouse/applications.json: {n} rows stored (_ s)"
            for n in ([2, 4, 5] if in_batches else [5])
        ),
        "  greenhouse/applications.json: 5 rows loaded, 0 quarantined (_ s)",
        "  greenhouse/jobs.json: required file is missing from " + str(export),
    ]


def test_the_loader_waiting_for_a_worker_hears_how_far_it_has_got(tmp_path, monkeypatch):
    """While a worker checks a file, the loader is told every `every` seconds about how
    many records it has checked: its spooled batches, of WORKER_BATCH records each."""
    future, spools = Future(), []
    monkeypatch.setattr(
        checked._Workers, "submit", lambda workers, job, spool: spools.append(spool) or future
    )
    path = tmp_path / "e" / "greenhouse" / "applications.json"
    job = checked.FileJob(GREENHOUSE_SOURCE, spec_named("applications"), path, "applications")
    prepared = checked.Prepared(checked.Tally(), [])
    heard = []

    def waiting(records: int) -> None:
        heard.append(records)
        if len(heard) == 1:  # the worker spools its second batch
            (spools[0] / "000001.pickle").write_bytes(b"")
        else:
            future.set_result(prepared)

    with checked.FilePool(tmp_path / "spool") as pool:
        pool.submit(job)
        spools[0].mkdir()
        (spools[0] / "000000.pickle").write_bytes(b"")
        assert pool.take(path, waiting, every=0.01) is prepared
    assert heard == [checked.WORKER_BATCH, 2 * checked.WORKER_BATCH]


# -- the validation suite itself can fail ------------------------------------------------------


def test_validation_suite_passes_good_rows_and_fails_bad_ones(tmp_path):
    spec = spec_named("application_stages")
    good = {
        "application_id": 1,
        "stage_id": 2,
        "stage_name": "Offer",
        "entered_at": "2026-01-01T10:00:00-05:00",
        "exited_at": "2026-01-01T16:00:00Z",
    }
    # 15:00 UTC entry, 14:00 UTC exit: out of order only once offsets are applied
    bad = {**good, "exited_at": "2026-01-01T09:00:00-05:00"}
    assert check_records(spec, [Record(good, 1, "line 1")]).problems == []
    problems = check_records(spec, [Record(bad, 1, "line 1")]).problems
    assert [(p.field, p.reason, p.action) for p in problems] == [
        ("exited_at", "exited_at is before entered_at", "flagged")
    ]


@pytest.mark.parametrize(
    "record",
    [
        {"id": 14, "status": "active"},  # a required field missing
        {"id": 14, "candidate_id": 4, "status": "hired?"},  # not one of the values
        {"id": "fourteen", "candidate_id": 4, "status": "active"},  # the key's type
        {"id": 14, "candidate_id": 4, "status": "active", "prospect": "maybe"},  # nulled
        {  # flagged: rejected before applying
            "id": 14,
            "candidate_id": 4,
            "status": "rejected",
            "applied_at": "2026-02-10T09:00:00Z",
            "rejected_at": "2026-02-01T09:00:00Z",
        },
    ],
)
def test_the_suite_over_a_files_batches_fails_where_one_batch_would(record):
    """A worker defers the suite to the file's end and judges its batches' frames at
    once (texts kept as categories): any rule that fails in one batch fails there."""
    spec = spec_named("applications")

    def records(items: list[dict]) -> list[Record]:
        return [Record(item, n, f"item {n}") for n, item in enumerate(items)]

    def deferred(items: list[dict], spec: EntitySpec = spec) -> pd.DataFrame:
        return check_records(spec, records(items), defer_suite=True).check

    assert check_records(spec, records([record])).problems  # checked alone, it fails
    clean = deferred(APPS)
    assert isinstance(clean["status__text"].dtype, pd.CategoricalDtype)
    assert validation.suite_passes(spec, [clean, deferred([{**APPS[0], "id": 14}])])
    assert not validation.suite_passes(spec, [clean, deferred([record])])
    # an optional field with a value set, and a batch where it has no value
    interviews = spec_named("scheduled_interviews")
    with_status = deferred([{"id": 1, "application_id": 11, "status": "scheduled"}], interviews)
    no_status = deferred([{"id": 2, "application_id": 11}], interviews)
    assert validation.suite_passes(interviews, [with_status, no_status])


def test_only_the_rules_that_fail_are_validated_again_for_their_rows(monkeypatch):
    """Great Expectations judges every rule at once (BOOLEAN_ONLY); only a rule that
    failed is validated again (COMPLETE), for the indexes of its failing rows."""
    from orchestration.ingest import validation

    spec = spec_named("application_stages")
    rules = validation._rules(spec)
    calls, validate = [], validation._validate
    monkeypatch.setattr(
        validation,
        "_validate",
        lambda spec, check, which, detail: (
            calls.append((which, detail)) or validate(spec, check, which, detail)
        ),
    )
    good = {"stage_id": 2, "stage_name": "Offer", "entered_at": "2026-01-01T10:00:00Z"}
    records = [Record({**good, "application_id": i}, i, f"line {i}") for i in range(1, 4)]
    assert check_records(spec, records).problems == []
    assert calls == [(tuple(range(len(rules))), "BOOLEAN_ONLY")]

    calls.clear()
    records[1] = Record({**good, "application_id": 2, "stage_id": "two"}, 2, "line 2")
    problems = check_records(spec, records).problems
    assert [(p.index, p.field, p.reason) for p in problems] == [
        (1, "stage_id", "expected an integer id, got 'two'")
    ]
    (failed,) = [i for i, r in enumerate(rules) if r.field == "stage_id" and r.code == "wrong_type"]
    assert calls == [(tuple(range(len(rules))), "BOOLEAN_ONLY"), ((failed,), "COMPLETE")]


def test_json_fields_are_stored_as_json_text_even_beyond_64_bit_integers():
    """orjson refuses integers beyond 64 bits: such a column falls back, value by value."""
    spec = spec_named("applications")
    base = {"id": 1, "candidate_id": 2, "status": "active"}
    records = [
        Record({**base, "source": {"id": 7, "public_name": "Referral"}}, 1, "line 1"),
        Record({**base, "id": 2, "source": {"id": 2**70}}, 2, "line 2"),
        Record({**base, "id": 3, "source": "not an object"}, 3, "line 3"),
    ]
    checked = check_records(spec, records)
    assert checked.rows["source"].fillna("(null)").tolist() == [
        '{"id":7,"public_name":"Referral"}',
        '{"id": 1180591620717411303424}',
        "(null)",
    ]
    assert [(p.index, p.field, p.action) for p in checked.problems] == [(2, "source", "nulled")]


# -- one rule for timestamps and dates ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-02-12T23:30:00-08:00", datetime(2026, 2, 13, 7, 30)),  # across midnight UTC
        ("2026-02-13T07:30:00.000Z", datetime(2026, 2, 13, 7, 30)),
        ("2026-02-13T07:30:00", datetime(2026, 2, 13, 7, 30)),  # no offset: UTC
        ("20250601T100000Z", datetime(2025, 6, 1, 10, 0)),  # ISO 8601 basic form
        ("2025-05-15T03", datetime(2025, 5, 15, 3, 0)),  # hour precision
        ("2025-05-15T03:00:00 +05:45", datetime(2025, 5, 14, 21, 15)),  # spaced offset
        ("2025-05-15", datetime(2025, 5, 15, 0, 0)),
    ],
)
def test_every_timestamp_form_that_validates_is_stored_in_utc(con, tmp_path, text, utc):
    app = {**APPS[1], "applied_at": text, "rejected_at": None}
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": json.dumps([app])})
    assert load(con, export, "applications").rows_loaded == 1
    assert rows(con, "select applied_at from raw_greenhouse.applications") == [(utc,)]


@pytest.mark.parametrize(
    "text", ["2026-02-30T10:00:00Z", "2026-02-13T25:00Z", "yesterday", "13/02/2026"]
)
def test_a_timestamp_that_cannot_convert_is_nulled_and_quarantined_with_its_field(
    con, tmp_path, text
):
    apps = [APPS[0], {**APPS[1], "rejected_at": text}]
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": json.dumps(apps)})
    result = load(con, export, "applications")
    assert (result.rows_loaded, result.fields_nulled) == (2, 1)
    assert rows(con, "select rejected_at from raw_greenhouse.applications where id = 12") == [
        (None,)
    ]
    assert rows(con, "select field, reason_code, action from raw.quarantine") == [
        ("rejected_at", "wrong_type", "nulled")
    ]


def test_a_full_timestamp_in_a_date_field_keeps_its_calendar_date_as_written(con, tmp_path):
    offer = {
        "id": 1,
        "version": 1,
        "application_id": 12,
        "status": "accepted",
        "sent_at": "2026-02-10T23:30:00-08:00",  # as extraction tools write Harvest's sent_at
        "resolved_at": "2026-02-13T07:30:00Z",
    }
    export = write_export(tmp_path / "e", {"greenhouse/offers.json": json.dumps([offer])})
    result = load(con, export, "offers")
    assert (result.rows_loaded, result.fields_nulled) == (1, 0)
    assert rows(con, "select sent_at from raw_greenhouse.offers") == [(date(2026, 2, 10),)]


def test_nested_timestamps_are_converted_by_the_same_rule(con, tmp_path):
    jobs = [
        {
            **JOBS[0],
            "openings": [
                {"id": 1, "opened_at": "2026-01-05T20:00:00-08:00"},
                {"id": 2, "opened_at": "not a time"},
            ],
        }
    ]
    export = write_export(tmp_path / "e", {"greenhouse/jobs.json": json.dumps(jobs)})
    result = load(con, export, "jobs")
    assert (result.rows_loaded, result.fields_nulled) == (1, 1)
    assert rows(
        con,
        "select openings->'$[0]'->>'opened_at', openings->'$[1]'->>'opened_at'"
        " from raw_greenhouse.jobs",
    ) == [("2026-01-06T04:00:00.000000", None)]
    assert rows(con, "select field, action from raw.quarantine") == [
        ("openings[].opened_at", "nulled")
    ]


# -- personal data ---------------------------------------------------------------------------

CANDIDATES = [
    {
        "id": 1,
        "first_name": "Aiko",
        "last_name": "Tanaka",
        "email_addresses": [{"value": "Aiko.Tanaka@example.com ", "type": "personal"}],
        "phone_numbers": [{"value": "+1 (555) 010-0199", "type": "mobile"}],
        "addresses": [{"value": "1 Main St", "type": "home"}],
    },
    # exports seen in the wild: plain strings instead of lists of objects
    {
        "id": 2,
        "first_name": "Chloe",
        "email_addresses": "chloe@example.com",
        "phone_numbers": "555 0100",
    },
    {"id": 3, "first_name": "Zed", "email_addresses": 42, "phone_numbers": {"value": 7}},
]
PLAIN_VALUES = ["aiko", "tanaka", "example.com", "555", "main st", "chloe", "zed"]


def test_candidate_personal_data_never_reaches_a_table_in_plain_text(con, tmp_path, monkeypatch):
    monkeypatch.setenv("HIRING_PII_SALT", "s3cret-salt")
    export = write_export(tmp_path / "e", {"greenhouse/candidates.json": json.dumps(CANDIDATES)})
    result = load(con, export, "candidates")
    assert (result.rows_loaded, result.fields_nulled) == (3, 2)
    everything = str(rows(con, "select * from raw_greenhouse.candidates"))
    everything += str(rows(con, "select * from raw.quarantine"))
    assert not [v for v in PLAIN_VALUES if v in everything.lower()]
    assert "s3cret" not in everything
    # the same email in any shape and case gives the same key
    assert rows(con, "select email_addresses from raw_greenhouse.candidates where id = 1") == [
        (pii.keyed_hash("email", "aiko.tanaka@example.com"),)
    ]
    assert rows(con, "select reason from raw.quarantine order by field") == [
        ("expected text or a list of text / {value} objects, got a value of type int",),
        ("expected text or a list of text / {value} objects, got a value of type dict",),
    ]


def test_an_unparseable_candidate_line_is_quarantined_without_its_text(con, tmp_path):
    text = json.dumps(CANDIDATES[0]) + "\n" + '{"id": 2, "first_name": "Chloe", "email_ad\n'
    text += json.dumps({"id": 4}) + "\n"
    export = write_export(tmp_path / "e", {"greenhouse/candidates.json": text})
    assert load(con, export, "candidates").rows_quarantined == 1
    assert "chloe" not in str(rows(con, "select * from raw.quarantine")).lower()


# -- encodings -----------------------------------------------------------------------------------


def test_a_windows_1252_csv_loads_with_a_warning(con, tmp_path):
    csv = "user_email,course_code,completed_at,expires_at\njosé@example.com,license_to_hire,2026-01-05T10:00:00Z,\n"
    path = tmp_path / "e" / "people" / "training_completions.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(csv.encode("cp1252"))
    offset = csv.encode("cp1252").index(b"\xe9")
    result = load(con, tmp_path / "e", "training_completions")
    assert result.rows_loaded == 1
    assert result.warnings == [
        f"people/training_completions.csv: not valid UTF-8: byte 0xe9 at byte offset {offset}"
        " (line 2); read as Windows-1252"
    ]
    assert rows(con, "select user_email from raw_people.training_completions") == [
        ("josé@example.com",)
    ]


def test_an_invalid_byte_in_a_json_lines_file_quarantines_that_line(con, tmp_path):
    lines = [json.dumps(a).encode() for a in APPS]
    lines[1] = lines[1].replace(b"rejected", b"rej\xffected")
    path = tmp_path / "e" / "greenhouse" / "applications.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join(lines))
    result = load(con, tmp_path / "e", "applications")
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    offset = len(lines[0]) + 1 + lines[1].index(b"\xff")
    assert rows(con, "select line, reason, reason_code from raw.quarantine") == [
        (2, f"not valid UTF-8: byte 0xff at byte offset {offset}", "encoding")
    ]


def test_an_invalid_byte_in_a_json_array_names_file_line_and_offset(con, tmp_path):
    data = json.dumps(JOBS, indent=2).encode().replace(b"Engineer", b"Engin\xe9er")
    path = tmp_path / "e" / "greenhouse" / "jobs.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    result = load(con, tmp_path / "e", "jobs")
    offset = data.index(b"\xe9")
    assert result.error == (
        f"greenhouse/jobs.json line 4: not valid UTF-8: byte 0xe9 at byte offset {offset}"
    )


# -- CSV headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "employee_id,source_system,application_id,start_date,termination_date",
            "header has 5 column names but most rows have 6 fields:"
            " a column name is missing or extra (not in the header: termination_type)",
        ),
        (
            "employee_id,source_system,,start_date,termination_date,termination_type",
            "header column 3 has no name",
        ),
        (
            "employee_id,source_system,start_date,start_date,termination_date,termination_type",
            "header names column 'start_date' twice",
        ),
    ],
)
def test_header_problems_are_file_errors_naming_the_column(con, tmp_path, header, message):
    csv = header + "\nE1,greenhouse,11,2026-03-02,,\nE2,greenhouse,12,2026-03-03,,\n"
    export = write_export(tmp_path / "e", {"people/employees.csv": csv})
    result = load(con, export, "employees")
    assert result.error == f"people/employees.csv line 1: {message}"


def test_a_dropped_optional_column_warns_and_keeps_the_stored_values(con, tmp_path):
    full = (
        "employee_id,source_system,application_id,start_date,termination_date,termination_type\n"
        "E1,greenhouse,11,2025-03-02,2026-01-31,voluntary\n"
    )
    export = write_export(tmp_path / "e", {"people/employees.csv": full})
    load(con, export, "employees", "load-1")
    slim = "employee_id,source_system,application_id,start_date\nE1,greenhouse,11,2025-03-02\nE2,greenhouse,12,2026-03-02\n"
    write_export(export, {"people/employees.csv": slim})
    result = load(con, export, "employees", "load-2")
    assert result.columns_missing == ["termination_date", "termination_type"]
    assert any("optional column(s) not in the header" in w for w in result.warnings)
    assert rows(
        con,
        "select employee_id, termination_date, termination_type from raw_people.employees order by 1",
    ) == [("E1", date(2026, 1, 31), "voluntary"), ("E2", None, None)]


# -- a broken file blocks; an old raw table is rebuilt ---------------------------------------------


def test_a_file_whose_records_mostly_fail_blocks_naming_the_most_common_reason(con, tmp_path):
    renamed = [
        {**{k: v for k, v in a.items() if k != "status"}, "application_status": "active"}
        for a in APPS
    ]
    export = write_export(tmp_path / "e", {"greenhouse/applications.json": json.dumps(renamed)})
    result = load(con, export, "applications")
    assert result.error == (
        "greenhouse/applications.json: 3 of 3 records rejected; most common:"
        " item 0 field status: required field is missing (3 records)"
    )
    assert rows(con, "select count(*) from raw_greenhouse.applications") == [(0,)]
    assert rows(con, "select count(*) from raw.quarantine") == [(0,)]  # nothing half-written


def test_a_raw_table_of_an_older_layout_is_rebuilt_from_the_export(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/jobs.json": json.dumps(JOBS)})
    load(con, export, "jobs", "load-1")
    con.execute("alter table raw_greenhouse.jobs drop column is_template")
    raw_store.ensure_raw_tables(con)
    assert load(con, export, "jobs", "load-2").status == "loaded"
    assert rows(con, "select id, is_template from raw_greenhouse.jobs") == [(5, None)]


def test_drop_raw_forgets_everything_loaded(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/jobs.json": json.dumps(JOBS)})
    load(con, export, "jobs", "load-1")
    raw_store.drop_raw(con)
    raw_store.ensure_raw_tables(con)
    assert load(con, export, "jobs", "load-2").status == "loaded"
    assert rows(con, "select count(*) from raw.load_log") == [(1,)]


def test_the_keyed_hash_is_hmac_sha256_of_the_normalized_value():
    """Computed independently with the standard library's HMAC over the normalized text."""
    expected = hmac.new(b"k3y", b"aiko.tanaka@example.com", hashlib.sha256).hexdigest()
    assert pii.keyed_hash("email", "  Aiko.Tanaka@Example.com ", "k3y") == expected
    phone = hmac.new(b"k3y", b"+15550199", hashlib.sha256).hexdigest()
    assert pii.keyed_hash("phone", "+1 (555) 0199", "k3y") == phone


@pytest.mark.parametrize("key", ["k", "k" * 64, "k" * 65, "ключ-" * 30])
def test_a_columns_keyed_hashes_are_hmac_sha256_for_keys_of_any_length(key):
    """The column's hashes build HMAC's padded keys themselves: checked against the
    standard library's HMAC, with keys shorter than, equal to and longer than a block."""
    texts = ["Aiko  Tanaka", None, "   ", "Émile Zola"]
    expected = [
        hmac.new(key.encode(), b"aiko tanaka", hashlib.sha256).hexdigest(),
        None,
        None,  # nothing left once normalized
        hmac.new(key.encode(), "émile zola".encode(), hashlib.sha256).hexdigest(),
    ]
    assert pii.keyed_hashes("name", texts, key) == expected


# -- large files checked in worker processes -------------------------------------------------


def _everything_loaded(con) -> dict:
    """Raw tables, quarantine and load log, without the times a load takes."""
    tables = {
        "applications": "select * exclude (_loaded_at) from raw_greenhouse.applications",
        "candidates": "select * exclude (_loaded_at) from raw_greenhouse.candidates",
        "jobs": "select * exclude (_loaded_at) from raw_greenhouse.jobs",
        "quarantine": "select * exclude (quarantined_at) from raw.quarantine",
        "load_log": "select * exclude (loaded_at) from raw.load_log",
    }
    return {name: sorted(map(str, rows(con, sql))) for name, sql in tables.items()}


def test_files_checked_in_worker_processes_load_exactly_as_in_the_loader(tmp_path, monkeypatch):
    """Large files are checked ahead in worker processes (checked.FilePool). Every
    file here counts as large: quarantine, duplicates, personal data and a file
    that cannot be read come out as when the loader checks them itself."""
    monkeypatch.setenv("HIRING_PII_SALT", "s3cret-salt")
    newer = {**APPS[1], "last_activity_at": "2026-03-01T00:00:00Z"}
    applications = [
        *APPS,
        newer,  # the same key twice: the newer version wins
        {"id": 14, "status": "active", "applied_at": "2026-02-01T09:00:00Z"},  # no candidate_id
        {"id": 18, "candidate_id": 8, "status": "active", "prospect": "maybe"},  # nulled field
    ]
    export = write_export(
        tmp_path / "e",
        {
            "greenhouse/applications.json": "\n".join(json.dumps(a) for a in applications),
            "greenhouse/candidates.json": json.dumps(CANDIDATES),
            "greenhouse/jobs.json": json.dumps(JOBS),
            "greenhouse/offers.json": '[{"id": 1, "application_id": 11,',  # cut short
        },
    )

    def load_with(workers: str, name: str):
        monkeypatch.setenv(checked.WORKERS_ENV, workers)
        connection = raw_store.connect(tmp_path / name / "warehouse.duckdb")
        try:
            results = load_source(connection, GREENHOUSE_SOURCE, export, "load-1")
            return [replace(r, seconds=0.0) for r in results], _everything_loaded(connection)
        finally:
            connection.close()

    in_loader = load_with("0", "in_loader")
    monkeypatch.setattr(checked, "FILE_MIN_BYTES", 0)
    monkeypatch.setattr(checked, "SOURCE_MIN_BYTES", 0)
    submitted, submit = [], checked.FilePool.submit
    monkeypatch.setattr(
        checked.FilePool,
        "submit",
        lambda pool, job, *a: submitted.append(job.display) or submit(pool, job, *a),
    )
    spool_root = tmp_path / "tmp"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))
    # the program's main module must not run again in a worker (a Streamlit page that
    # replaced it did, once)
    trap = tmp_path / "main.py"
    trap.write_text("raise SystemExit('the main module ran in a worker')\n")
    main_module = types.ModuleType("__main__")
    main_module.__file__ = str(trap)
    monkeypatch.setitem(sys.modules, "__main__", main_module)
    in_workers = load_with("2", "in_workers")

    assert in_workers == in_loader
    results = {r.entity: r for r in in_workers[0]}
    assert (results["applications"].rows_loaded, results["applications"].duplicates) == (4, 1)
    assert results["applications"].rows_quarantined == 1
    assert results["offers"].error.startswith("greenhouse/offers.json")
    assert submitted == [f"greenhouse/{n}.json" for n in ("applications", "candidates", "jobs")] + [
        "greenhouse/offers.json"
    ]
    assert not list(spool_root.iterdir())  # the spooled batches are removed


def test_a_worker_asks_the_suite_once_per_file_and_per_batch_only_when_a_rule_fails(
    tmp_path, monkeypatch
):
    """A worker types a file's batches and lets Great Expectations judge them all in
    one validation: its cost is per call (about 0.15 s), not per row. When a rule
    fails, the file is checked again batch by batch, which names each failing
    record. Either way the batches are those the loader checks itself."""
    monkeypatch.setattr(checked, "WORKER_BATCH", 2)
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)  # read in batches of WORKER_BATCH
    calls = []
    validate = validation._validate
    monkeypatch.setattr(
        validation,
        "_validate",
        lambda spec, check, *a: calls.append((len(check), a[1])) or validate(spec, check, *a),
    )
    spec, name = spec_named("applications"), "greenhouse/applications.json"
    meta = loader._meta("load-1", name, "digest", datetime(2026, 3, 1))

    def worker_and_loader(folder: str, applications: list[dict]):
        export = write_export(tmp_path / folder, {name: json.dumps(applications)})
        path = export / name
        calls.clear()
        job = checked.FileJob(GREENHOUSE_SOURCE, spec, path, name)
        prepared = checked._prepare(job, path.parent / "s")
        in_worker = (list(checked.stamped(prepared.batches(), meta)), prepared.tally)
        in_worker_calls = list(calls)
        tally = checked.Tally(track_mentioned=True)
        batches = checked.stamped(checked.checked_batches(job, tally, 2), meta)
        in_loader = (list(batches), tally)
        for (rows, quarantined), (rows_, quarantined_) in zip(
            in_worker[0], in_loader[0], strict=True
        ):
            pd.testing.assert_frame_equal(rows, rows_)
            assert quarantined == quarantined_
        assert in_worker[1] == in_loader[1]
        return in_worker_calls, [q for _, batch in in_worker[0] for q in batch]

    clean = [*APPS, {"id": 14, "candidate_id": 4, "status": "active"}]
    assert worker_and_loader("clean", clean) == ([(4, "BOOLEAN_ONLY")], [])

    bad = [*APPS, {"id": 18, "candidate_id": 8, "status": "active", "prospect": "maybe"}]
    calls_made, quarantined = worker_and_loader("bad", bad)
    assert calls_made == [(4, "BOOLEAN_ONLY")] + [(2, "BOOLEAN_ONLY")] * 2 + [(2, "COMPLETE")]
    assert [(q["location"], q["field"], q["action"]) for q in quarantined] == [
        ("item 3", "prospect", "nulled")
    ]


def test_a_refresh_keeps_its_worker_processes_from_one_source_to_the_next(tmp_path, monkeypatch):
    """Inside `workers_kept` (a refresh), the sources share one set of workers: their
    imports are paid once. Each source's spool is still removed, the workers stop
    with the refresh, and a source outside it starts and stops its own."""
    monkeypatch.setattr(checked, "FILE_MIN_BYTES", 0)
    monkeypatch.setattr(checked, "SOURCE_MIN_BYTES", 0)
    monkeypatch.setenv(checked.WORKERS_ENV, "2")
    spool_root = tmp_path / "tmp"
    spool_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_root))
    export = write_export(
        tmp_path / "e",
        {
            "greenhouse/applications.json": json.dumps(APPS),
            "greenhouse/jobs.json": json.dumps(JOBS),
        },
    )
    started, executor = [], checked._Workers.executor
    monkeypatch.setattr(
        checked._Workers, "executor", lambda self: started.append(executor(self)) or started[-1]
    )

    def load(name: str) -> dict[str, int]:
        connection = raw_store.connect(tmp_path / name / "warehouse.duckdb")
        try:
            results = load_source(connection, GREENHOUSE_SOURCE, export, "load-1")
            return {r.entity: r.rows_loaded for r in results if r.rows_loaded}
        finally:
            connection.close()

    with checked.workers_kept():
        first, second = load("a"), load("b")
        kept = checked._kept
        assert kept._executor is not None
        checked.stop_kept_workers()  # as dbt starts
        assert kept._executor is None
        load("b2")  # an ingest after that starts them again
    assert first == second == {"applications": len(APPS), "jobs": len(JOBS)}
    assert len({id(e) for e in started}) == 2  # the second source used the first's workers
    assert kept._executor is None and checked._kept is None  # stopped with the refresh
    assert not list(spool_root.iterdir())

    started.clear()
    load("c")
    load("d")
    assert len({id(e) for e in started}) == 2 and checked._kept is None  # one set each


def test_workers_started_ahead_check_every_file_until_they_stop(tmp_path, monkeypatch):
    """A refresh starts its workers before the ingest, to import while it sets up; then
    small files go to them too, and the loader's process never imports GX. Once they
    stop (dbt starts), an ingest is back to the size rule."""
    monkeypatch.setenv(checked.WORKERS_ENV, "2")
    monkeypatch.setattr(checked, "FILE_MIN_BYTES", 10)
    monkeypatch.setattr(checked, "SOURCE_MIN_BYTES", 25)
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text("x" * 9)
    large.write_text("x" * 12)
    checked.start_workers_ahead()  # outside a refresh: nothing to keep them for
    assert checked._kept is None
    with checked.workers_kept():
        checked.start_workers_ahead()
        executor = checked._kept._executor
        assert executor is not None and len(executor._processes) == 2
        assert checked.FilePool.worth_it([small, large]) == {small, large}
        export = write_export(tmp_path / "e", {"greenhouse/jobs.json": json.dumps(JOBS)})
        submitted, submit = [], checked.FilePool.submit
        monkeypatch.setattr(
            checked.FilePool,
            "submit",
            lambda pool, job, *a: submitted.append(job.display) or submit(pool, job, *a),
        )
        connection = raw_store.connect(tmp_path / "w" / "warehouse.duckdb")
        try:
            results = load_source(connection, GREENHOUSE_SOURCE, export, "load-1")
        finally:
            connection.close()
        assert {r.entity: r.rows_loaded for r in results if r.rows_loaded} == {"jobs": len(JOBS)}
        assert submitted == ["greenhouse/jobs.json"]  # a small file, checked in a worker
        assert checked._kept._executor is executor  # by the workers started ahead
        checked.stop_kept_workers()
        assert checked.FilePool.worth_it([small, large]) == set()  # 12 bytes: not worth a start


def test_files_queued_before_their_load_are_taken_by_it_unless_they_changed(tmp_path, monkeypatch):
    """A refresh queues every source's files in its workers at the start
    (`queue_export`), so that they are checked while earlier sources are stored. The
    load takes those results, stamped with its own load id; a file changed since it
    was queued is checked again; what no load took is removed with the workers."""
    monkeypatch.setenv(checked.WORKERS_ENV, "2")
    applications = [*APPS, {"id": 14, "status": "active"}]  # no candidate_id: quarantined
    files = {
        "greenhouse/applications.json": json.dumps(applications),
        "greenhouse/candidates.json": json.dumps(CANDIDATES),
        "greenhouse/jobs.json": json.dumps(JOBS),
    }
    export = write_export(tmp_path / "e", files)
    in_loader_con = raw_store.connect(tmp_path / "loader" / "warehouse.duckdb")
    try:
        monkeypatch.setenv(checked.WORKERS_ENV, "0")
        load_source(in_loader_con, GREENHOUSE_SOURCE, export, "load-1")
        in_loader = _everything_loaded(in_loader_con)
    finally:
        in_loader_con.close()
    monkeypatch.setenv(checked.WORKERS_ENV, "2")

    submitted, submit = [], checked._Workers.submit
    monkeypatch.setattr(
        checked._Workers,
        "submit",
        lambda workers, job, spool: submitted.append(job.display) or submit(workers, job, spool),
    )
    hashed, file_sha256 = [], loader.file_sha256

    def sha256(path: Path) -> str:
        hashed.append(path.name)
        return file_sha256(path)

    spool_root = tmp_path / "w" / ".ingest"
    con = raw_store.connect(tmp_path / "w" / "warehouse.duckdb")
    try:
        with checked.workers_kept():
            checked.start_workers_ahead()
            queued = loader.queue_export(con, [GREENHOUSE_SOURCE], export, sha256, spool_root)
            assert queued == 3 and len(submitted) == 3
            # a file rewritten after it was queued: the load checks it again
            (export / "greenhouse/jobs.json").write_text(json.dumps(JOBS) + "\n")
            submitted.clear()
            hashed.clear()
            load_source(con, GREENHOUSE_SOURCE, export, "load-1", sha256, spool_dir=spool_root)
            assert submitted == ["greenhouse/jobs.json"]
            assert hashed == ["jobs.json"]  # the others' digests are those queued
            assert len(list(spool_root.iterdir())) == 1  # the queued files', until workers stop
        assert not list(spool_root.iterdir())
        loaded = _everything_loaded(con)
    finally:
        con.close()
    jobs_hash = hashlib.sha256((export / "greenhouse/jobs.json").read_bytes()).hexdigest()
    assert loaded["jobs"] == [row.replace(_hash(JOBS), jobs_hash) for row in in_loader["jobs"]]
    assert {k: v for k, v in loaded.items() if k not in ("jobs", "load_log")} == {
        k: v for k, v in in_loader.items() if k not in ("jobs", "load_log")
    }
    # stamped when stored: the quarantined record and the two nulled fields
    assert len(loaded["quarantine"]) == 3
    assert all(row.startswith("('load-1'") for row in loaded["quarantine"])


def test_a_small_export_gets_one_worker_ahead_unless_told_otherwise(monkeypatch):
    """A second worker's imports cost a small export more than it saves."""
    monkeypatch.delenv(checked.WORKERS_ENV, raising=False)
    if (os.cpu_count() or 1) < 2:
        pytest.skip("workers start ahead only with two cores or more")

    def started(export_bytes: int) -> int:
        with checked.workers_kept():
            checked.start_workers_ahead(export_bytes)
            return checked._kept.executor()._max_workers

    assert started(checked.SMALL_EXPORT_BYTES - 1) == 1
    assert started(checked.SMALL_EXPORT_BYTES) == min(2, os.cpu_count() or 1)
    monkeypatch.setenv(checked.WORKERS_ENV, "2")
    assert started(1_000) == 2


def test_a_file_gone_when_queued_is_not_taken_from_the_queue(tmp_path, monkeypatch):
    """A file that vanished between the export's listing and its queueing does not stop
    the queueing of the others, and no load takes its result: the load sees it afresh."""
    monkeypatch.setenv(checked.WORKERS_ENV, "2")
    gone = tmp_path / "e" / "greenhouse/jobs.json"
    with checked.workers_kept():
        checked.start_workers_ahead()
        job = checked.FileJob(GREENHOUSE_SOURCE, spec_named("jobs"), gone, "greenhouse/jobs.json")
        assert checked.queue_file(job, "digest", tmp_path / ".ingest")
        assert checked.queued_digest(gone) is None
        gone.parent.mkdir(parents=True)
        gone.write_text(json.dumps(JOBS))
        assert checked.queued_digest(gone) is None  # written after: not what was queued


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()


def test_a_pool_removes_the_spools_of_loaders_that_no_longer_run(tmp_path):
    """A refresh killed outright leaves its checked batches in WAREHOUSE/.ingest; the
    next pool there removes them, and keeps those of a loader still running."""
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    abandoned = tmp_path / f"{checked.SPOOL_PREFIX}{int(ended.stdout)}-k7"
    running = tmp_path / f"{checked.SPOOL_PREFIX}{os.getpid()}-q2"
    for spool in (abandoned, running):
        (spool / "0").mkdir(parents=True)
        (spool / "0" / "000000.pickle").write_bytes(b"batch")
    (tmp_path / "notes").mkdir()  # not a spool

    checked.remove_abandoned_spools(tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, "notes"])


def test_workers_check_the_large_files_of_a_source_with_enough_of_them(tmp_path, monkeypatch):
    monkeypatch.setattr(checked, "FILE_MIN_BYTES", 10)
    monkeypatch.setattr(checked, "SOURCE_MIN_BYTES", 25)
    monkeypatch.delenv(checked.WORKERS_ENV, raising=False)
    small, large, larger = (tmp_path / n for n in ("small.json", "large.json", "larger.json"))
    small.write_text("x" * 9)
    large.write_text("x" * 12)
    larger.write_text("x" * 14)
    assert checked.FilePool.worth_it([small, large, larger]) == {large, larger}  # 26 bytes
    assert checked.FilePool.worth_it([small, large]) == set()  # 12 bytes: not worth a start
    monkeypatch.setenv(checked.WORKERS_ENV, "0")
    assert checked.FilePool.worth_it([small, large, larger]) == set()
