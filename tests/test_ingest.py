"""The ingest layer: file encodings, validation, quarantine, idempotent and newer-wins loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.ingest import raw_store
from orchestration.ingest.loader import load_file, load_source
from orchestration.ingest.readers import ExportFileError, read_json_records
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

ENCODINGS = {
    "array": json.dumps(APPS),
    "json_lines": "\n".join(json.dumps(a) for a in APPS) + "\n",
    "paged": json.dumps([APPS[:2], APPS[2:]]),
    "paged_json_lines": json.dumps(APPS[:2]) + "\n" + json.dumps(APPS[2:]) + "\n",
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
        (11, 1, None, "2026-02-12T23:30:00-08:00"),
        (12, 2, None, "2026-02-01T09:00:00Z"),
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


def test_json_lines_records_remember_their_line(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("\n".join(json.dumps(a) for a in APPS))
    assert [(r.line, r.location) for r in read_json_records(path, "a.json")] == [
        (1, "line 1"),
        (2, "line 2"),
        (3, "line 3"),
    ]


def test_empty_optional_file_is_zero_rows(con, tmp_path):
    export = write_export(tmp_path / "e", {"greenhouse/offers.json": "[]"})
    result = load(con, export, "offers")
    assert (result.status, result.rows_loaded, result.blocking) == ("loaded", 0, False)


def test_missing_optional_file_is_no_rows_and_no_error(con, tmp_path):
    result = load(con, tmp_path, "offers")
    assert (result.status, result.blocking) == ("missing", False)


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


def test_bad_rows_are_quarantined_with_file_line_field_and_reason(con, tmp_path):
    bad = [
        *APPS[:2],
        {"id": 14, "status": "active", "applied_at": "2026-02-01T09:00:00Z"},  # no candidate_id
        {"id": "fourteen", "candidate_id": 4, "status": "active"},  # wrong type
        {"id": 16, "candidate_id": 6, "status": "pending"},  # not in the value set
        {
            "id": 17,
            "candidate_id": 7,
            "status": "rejected",
            "applied_at": "2026-03-01T00:00:00Z",
            "rejected_at": "2026-02-01T00:00:00Z",
        },  # time order
    ]
    export = write_export(
        tmp_path / "e", {"greenhouse/applications.json": "\n".join(json.dumps(b) for b in bad)}
    )
    result = load(con, export, "applications")
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    assert rows(con, "select id from raw_greenhouse.applications order by id") == [(11,), (12,)]
    assert rows(
        con, "select file, line, field, value, reason from raw.quarantine order by line"
    ) == [
        ("greenhouse/applications.json", 3, "candidate_id", None, "required field is missing"),
        (
            "greenhouse/applications.json",
            4,
            "id",
            "fourteen",
            "expected an integer id, got 'fourteen'",
        ),
        (
            "greenhouse/applications.json",
            5,
            "status",
            "pending",
            "'pending' is not one of: active, rejected, hired, converted",
        ),
        (
            "greenhouse/applications.json",
            6,
            "rejected_at",
            "2026-02-01T00:00:00Z",
            "rejected_at is before applied_at",
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
    assert (result.rows_loaded, result.rows_quarantined) == (1, 3)
    assert rows(
        con, "select employee_id, application_id, start_date from raw_people.employees"
    ) == [("E1", 11, "2026-03-02")]
    assert rows(con, "select line, field, reason from raw.quarantine order by line") == [
        (3, "start_date", "expected a date (YYYY-MM-DD), got '2026-02-30'"),
        (4, "termination_date", "termination_date is before start_date"),
        (5, None, "expected 6 fields, got 3"),
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


def test_newer_export_replaces_by_key_and_older_never_does(con, tmp_path):
    def job(status: str, updated: str) -> dict:
        return {**JOBS[0], "status": status, "updated_at": updated}

    export = tmp_path / "e"
    write_export(
        export, {"greenhouse/jobs.json": json.dumps([job("open", "2026-02-01T00:00:00Z")])}
    )
    load(con, export, "jobs", "load-1")
    write_export(
        export, {"greenhouse/jobs.json": json.dumps([job("closed", "2026-03-01T00:00:00+01:00")])}
    )
    load(con, export, "jobs", "load-2")
    assert rows(con, "select status, _load_id from raw_greenhouse.jobs") == [("closed", "load-2")]
    write_export(
        export, {"greenhouse/jobs.json": json.dumps([job("draft", "2026-01-01T00:00:00Z")])}
    )
    result = load(con, export, "jobs", "load-3")
    assert result.rows_loaded == 0
    assert rows(con, "select status, _load_id from raw_greenhouse.jobs") == [("closed", "load-2")]


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


# -- the validation suite itself can fail ------------------------------------------------------


def test_validation_suite_passes_good_rows_and_fails_bad_ones(tmp_path):
    from orchestration.ingest.readers import Record

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
    assert [(p.field, p.reason) for p in problems] == [
        ("exited_at", "exited_at is before entered_at")
    ]
