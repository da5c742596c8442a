"""Issue 5: a refresh that nothing can break, case by case, through the real `hiring` CLI.

Every case starts from one generated export (300 applications, seed 7), changed
as the issue describes. Cases that cannot interfere share one refresh; each test
below asserts one behaviour on the result. The refreshes:

- `baseline`: the export as generated, into a new warehouse (the snapshot the
  failure cases must leave untouched, and the reference numbers).
- `tolerant`: one export holding every case that must load and publish
  (cases 2, 3, 4, 6, 9, 11, 12, 13, 14, 15), refreshed with a secret salt.
- `blocked`: cases that must stop the refresh before dbt (1, 2, 8), on a copy of
  the baseline warehouse.
- `repair`: the same warehouse refreshed four times (5, 8, 1, 2, 10): an unknown
  stage fails; the corrected export with a deleted application and a dropped
  optional column succeeds; an as-of before the data is refused; --rebuild.
- `contention`: two refreshes at once, `--wait`, and `kill -9` during dbt (7).
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, run_hiring
from tests.reliability_cases import (
    PUBLISHED,
    WAREHOUSE_DB,
    Export,
    PiiScanner,
    candidate_pii,
    copy_tree,
    csv_text,
    dbt_processes_below,
    descendants,
    digest,
    files_holding,
    folder_bytes,
    hiring_refresh,
    is_alive,
    kill_if_alive,
    lines_with,
    output,
    poll,
    printed,
    query,
    start_refresh,
)

pytestmark = pytest.mark.slow

SECRET_SALT = "pepper-7Qz!issue5-not-the-demo"
DBT_TARGET = PROJECT_ROOT / "dbt_project" / "target"
DBT_PROJECT = PROJECT_ROOT / "dbt_project"


def failure_report(result) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def summary_warnings(result) -> list[str]:
    return [line.strip() for line in result.stdout.splitlines() if "warning" in line.lower()]


# -- the generated export and the baseline refresh -----------------------------------


@pytest.fixture(scope="session")
def generated_export(tmp_path_factory) -> Path:
    """`hiring generate --applications 300 --seed 7`, once per session; copy before changing."""
    out = tmp_path_factory.mktemp("reliability") / "generated"
    result = run_hiring("generate", "--out", str(out), "--applications", "300", "--seed", "7")
    assert result.returncode == 0, failure_report(result)
    return out


@dataclass
class Refresh:
    exports: Path
    warehouse: Path
    result: object

    @property
    def published(self) -> Path:
        return self.warehouse / PUBLISHED

    @property
    def warehouse_db(self) -> Path:
        return self.warehouse / WAREHOUSE_DB


@pytest.fixture(scope="session")
def baseline(generated_export, tmp_path_factory) -> Refresh:
    """The generated export as is, default (demo) salt, into a new warehouse."""
    root = tmp_path_factory.mktemp("baseline")
    exports = copy_tree(generated_export, root / "export")
    result = hiring_refresh(exports, root / "wh", HIRING_PII_SALT=None)
    assert result.returncode == 0, failure_report(result)
    return Refresh(exports, root / "wh", result)


def copy_of_baseline(baseline: Refresh, root: Path) -> tuple[Export, Path]:
    """A fresh copy of the generated export and of the baseline warehouse."""
    export = Export(copy_tree(baseline.exports, root / "export"))
    warehouse = copy_tree(baseline.warehouse, root / "wh")
    return export, warehouse


def test_demo_salt_on_a_generated_export_does_not_warn(baseline):
    # a generated export is synthetic (it carries the marker file): the demo salt is fine
    assert (baseline.exports / ".generated-demo").exists()
    assert not lines_with(output(baseline.result), "HIRING_PII_SALT")


def test_demo_salt_on_a_real_export_warns(blocked):
    # the same export without the marker is somebody's real data
    out = output(blocked.result)
    assert any("HIRING_PII_SALT" in line for line in lines_with(out, "salt")), failure_report(
        blocked.result
    )


# -- tolerant: everything that must load, in one export --------------------------------


@dataclass
class Tolerant(Refresh):
    cases: dict = field(default_factory=dict)


def build_tolerant_export(export: Export) -> dict:
    """Apply every case that must load and publish; return what each test needs."""
    cases: dict = {}

    # 2: a people CSV written in Windows-1252 with an accented value
    header, rows = export.rows("candidate_surveys")
    cases["latin1_survey_id"] = rows[0]["survey_id"] = "CS-Québec-000001"
    export.path("candidate_surveys").write_bytes(csv_text(header, rows).encode("cp1252"))

    applications = export.objects("applications")
    by_id = {a["id"]: a for a in applications}

    # 3: applied_at written three ways staging once could not convert
    unusual = {}
    for app_id, make in (
        (20000001, lambda d: (f"{d:%Y%m%d}T100000Z", d)),
        (20000002, lambda d: (f"{d.isoformat()}T03", d)),
        (20000003, lambda d: (f"{d.isoformat()}T03:00:00 +05:45", d - timedelta(days=1))),
    ):
        day = date.fromisoformat(by_id[app_id]["applied_at"][:10])
        written, utc_day = make(day)
        by_id[app_id]["applied_at"] = written
        unusual[app_id] = (written, utc_day)
    cases["unusual_applied_at"] = unusual

    # 6: the same application twice; the later line is older by its own timestamp
    original = by_id[20000004]
    stale = {
        **original,
        "status": "active",
        "rejected_at": None,
        "rejection_reason": None,
        "last_activity_at": (
            date.fromisoformat(original["last_activity_at"][:10]) - timedelta(days=30)
        ).isoformat()
        + "T09:00:00Z",
    }
    applications.insert(applications.index(original) + 1, stale)
    cases["duplicate"] = (20000004, original["status"])

    # 12: no stage history; the only active application sits in "Preliminary Phone Screen"
    by_id[20000298]["current_stage"] = {"id": 3999001, "name": "Preliminary Phone Screen"}
    (export.root / "greenhouse" / "application_stages.json").unlink()
    cases["phone_screen_application"] = 20000298
    export.save("applications", applications)

    # 4: a full timestamp in offers.sent_at (a date field) on the accepted offer of a hire
    offers = export.objects("offers")
    accepted = next(o for o in offers if o["id"] == 50000002)
    cases["sent_at_as_timestamp"] = (50000002, accepted["application_id"], accepted["sent_at"])
    accepted["sent_at"] = f"{accepted['sent_at']}T23:30:00-08:00"  # next day in UTC
    # 4: a bad optional field: nulled, the offer kept
    next(o for o in offers if o["id"] == 50000001)["starts_at"] = "TBD"
    cases["bad_optional_offer"] = 50000001
    # 14: an offer for an application that is not in the export
    orphan_app = 29999999
    offers.append({**accepted, "id": 59999999, "application_id": orphan_app, "opening": None})
    export.save("offers", offers)

    scorecards = export.objects("scorecards")
    # 4: a value outside the documented set in an optional field
    scorecards[10]["overall_recommendation"] = "maybe"
    cases["bad_optional_scorecard"] = scorecards[10]["id"]
    # 11: interviewed_at is a date at a fixed hour, after the real submission instant
    real = scorecards[20]
    day = date.fromisoformat(real["submitted_at"][:10])
    real["submitted_at"] = f"{day.isoformat()}T23:33:10.440Z"
    real["interviewed_at"] = f"{(day + timedelta(days=1)).isoformat()}T01:00:00.000Z"
    cases["late_interviewed_at"] = real["id"]
    # 14: three scorecards of a missing application
    scorecards += [
        {**scorecards[0], "id": 49999990 + n, "application_id": orphan_app} for n in range(3)
    ]
    export.save("scorecards", scorecards)

    interviews = export.objects("scheduled_interviews")
    interviews += [
        {**interviews[0], "id": 39999990 + n, "application_id": orphan_app} for n in range(2)
    ]
    export.save("scheduled_interviews", interviews)
    cases["orphans"] = {"offers": 1, "scheduled_interviews": 2, "scorecards": 3}

    # 9: email and phone written as plain strings
    candidates = export.objects("candidates")
    for candidate in candidates[4:6]:
        candidate["email_addresses"] = candidate["email_addresses"][0]["value"]
        candidate["phone_numbers"] = candidate["phone_numbers"][0]["value"]
    cases["plain_string_candidates"] = [c["id"] for c in candidates[4:6]]
    export.save("candidates", candidates)

    # 13: an opening opened after every other event in the ATS files
    jobs = export.objects("jobs")
    opened = date.fromisoformat(export.latest_ats_date()) + timedelta(days=30)
    job = next(j for j in jobs if j["id"] == 600005)
    job["openings"].append(
        {
            "id": 700999,
            "opening_id": "5-late",
            "status": "open",
            "opened_at": f"{opened.isoformat()}T09:00:00Z",
            "closed_at": None,
            "application_id": None,
            "close_reason": None,
        }
    )
    cases["late_opening"] = (700999, opened)
    # 15: a job template with an open and a filled opening
    next(j for j in jobs if j["id"] == 600015)["is_template"] = True
    cases["template_job"] = 600015
    export.save("jobs", jobs)
    return cases


@pytest.fixture(scope="module")
def tolerant(baseline, tmp_path_factory) -> Tolerant:
    root = tmp_path_factory.mktemp("tolerant")
    export = Export(copy_tree(baseline.exports, root / "export"))
    cases = build_tolerant_export(export)
    result = hiring_refresh(export.root, root / "wh", HIRING_PII_SALT=SECRET_SALT)
    return Tolerant(export.root, root / "wh", result, cases)


def published_or_fail(refresh: Refresh) -> Path:
    assert refresh.result.returncode == 0 and refresh.published.exists(), failure_report(
        refresh.result
    )
    return refresh.published


def quarantine_for(refresh: Refresh, entity: str, record_id: int) -> list[tuple]:
    """(field, action, reason_code, value) of every quarantine row of one record."""
    return query(
        refresh.warehouse_db,
        "select field, action, reason_code, value from raw.quarantine"
        " where entity = ? and try_cast(json_extract_string(record, '$.id') as bigint) = ?"
        " order by all",
        [entity, record_id],
    )


def test_every_tolerated_case_publishes_and_never_fails_in_dbt(tolerant):
    assert tolerant.result.returncode == 0, failure_report(tolerant.result)
    assert "dbt build failed" not in tolerant.result.stdout
    assert tolerant.published.exists()


def test_windows_1252_csv_loads_with_a_warning_and_keeps_its_accents(tolerant):
    warnings = lines_with(output(tolerant.result), "people/candidate_surveys.csv")
    assert any(re.search(r"utf-8|1252|latin", line, re.IGNORECASE) for line in warnings), (
        failure_report(tolerant.result)
    )
    survey_ids = query(tolerant.warehouse_db, "select survey_id from raw_people.candidate_surveys")
    assert (tolerant.cases["latin1_survey_id"],) in survey_ids


@pytest.mark.parametrize("application_id", [20000001, 20000002, 20000003])
def test_unusual_applied_at_converts_or_is_quarantined_naming_the_field(tolerant, application_id):
    written, utc_day = tolerant.cases["unusual_applied_at"][application_id]
    published = published_or_fail(tolerant)
    quarantined = [q for q in quarantine_for(tolerant, "applications", application_id)]
    applied = query(
        published,
        "select applied_date from fct_applications where application_id = ?",
        [f"greenhouse:{application_id}"],
    )
    if quarantined:
        assert [q[0] for q in quarantined] == ["applied_at"], (written, quarantined)
    else:
        assert applied == [(utc_day,)], f"{written!r} should be applied on {utc_day}"


def test_a_timestamp_in_offer_sent_at_keeps_its_calendar_date_and_the_hire(tolerant, baseline):
    offer_id, application_id, sent_day = tolerant.cases["sent_at_as_timestamp"]
    assert [q for q in quarantine_for(tolerant, "offers", offer_id) if q[1] == "dropped"] == []
    assert query(
        tolerant.warehouse_db,
        "select cast(sent_at as varchar) from raw_greenhouse.offers where id = ?",
        [offer_id],
    ) == [(sent_day,)]  # the date as written, not the UTC date of the instant
    hire = (
        "select offer_status, hired_date, time_to_hire_days from fct_applications"
        " where application_id = ?"
    )
    key = [f"greenhouse:{application_id}"]
    expected = query(baseline.published, hire, key)
    assert expected[0][0] == "accepted"
    assert query(published_or_fail(tolerant), hire, key) == expected
    # the opening it fills keeps its time to fill
    fill = "select time_to_fill_days from fct_openings where filled_by_application_id = ?"
    assert query(tolerant.published, fill, key) == query(baseline.published, fill, key)


def test_a_bad_optional_offer_field_is_nulled_and_the_offer_kept(tolerant):
    offer_id = tolerant.cases["bad_optional_offer"]
    assert query(
        tolerant.warehouse_db,
        "select starts_at from raw_greenhouse.offers where id = ?",
        [offer_id],
    ) == [(None,)]
    rows = quarantine_for(tolerant, "offers", offer_id)
    assert [(f, action) for f, action, _, _ in rows] == [("starts_at", "nulled")], rows
    assert rows[0][2] in ("unparseable", "wrong_type")


def test_a_value_outside_the_set_in_an_optional_field_is_nulled(tolerant):
    scorecard_id = tolerant.cases["bad_optional_scorecard"]
    assert query(
        tolerant.warehouse_db,
        "select overall_recommendation from raw_greenhouse.scorecards where id = ?",
        [scorecard_id],
    ) == [(None,)]
    assert quarantine_for(tolerant, "scorecards", scorecard_id) == [
        ("overall_recommendation", "nulled", "not_in_set", "maybe")
    ]


def test_duplicate_application_newest_by_its_own_timestamp_wins(tolerant):
    application_id, newest_status = tolerant.cases["duplicate"]
    assert query(
        tolerant.warehouse_db,
        "select status from raw_greenhouse.applications where id = ?",
        [application_id],
    ) == [(newest_status,)]
    reported = lines_with(tolerant.result.stdout, "duplicate")
    assert any(re.search(r"\b1\b", line) for line in reported), failure_report(tolerant.result)


def test_scorecard_interviewed_after_submission_is_loaded_and_flagged(tolerant):
    scorecard_id = tolerant.cases["late_interviewed_at"]
    assert query(
        tolerant.warehouse_db,
        "select count(*) from raw_greenhouse.scorecards where id = ?",
        [scorecard_id],
    ) == [(1,)]
    rows = quarantine_for(tolerant, "scorecards", scorecard_id)
    assert [(action, code) for _, action, code, _ in rows] == [("flagged", "time_order")], rows


def test_without_stage_history_the_current_stage_counts_as_reached(tolerant):
    application_id = tolerant.cases["phone_screen_application"]
    assert query(
        published_or_fail(tolerant),
        "select furthest_stage from fct_applications where application_id = ?",
        [f"greenhouse:{application_id}"],
    ) == [("recruiter_screen",)]


def test_an_opening_opened_after_every_other_event_is_published(tolerant):
    opening_id, opened = tolerant.cases["late_opening"]
    published = published_or_fail(tolerant)
    assert query(
        published,
        "select is_open from fct_openings where opening_id = ?",
        [f"greenhouse:{opening_id}"],
    ) == [(True,)]
    assert query(published, "select as_of_date from meta_as_of")[0][0] >= opened


@pytest.mark.parametrize("entity", ["offers", "scheduled_interviews", "scorecards"])
def test_orphans_are_counted_per_file_in_a_summary_warning(tolerant, entity):
    count = tolerant.cases["orphans"][entity]
    warnings = [w for w in summary_warnings(tolerant.result) if entity in w]
    assert any(re.search(rf"\b{count}\b", w) for w in warnings), failure_report(tolerant.result)


def test_a_job_template_counts_neither_as_open_openings_nor_in_time_to_fill(tolerant, baseline):
    template = f"greenhouse:{tolerant.cases['template_job']}"
    published = published_or_fail(tolerant)
    # listed and flagged, like evergreen openings, so an analyst sees why they are left out
    assert query(
        published, "select bool_and(is_template) from fct_openings where job_id = ?", [template]
    ) == [(True,)]

    def all_departments(db: Path, sql: str) -> int:
        return query(
            db, sql + " and department = 'All departments' and source_system = 'All ATSs'"
        )[0][0]

    def of_template_in_baseline(condition: str) -> int:
        sql = f"select count(*) from fct_openings where job_id = ? and {condition}"
        return query(baseline.published, sql, [template])[0][0]

    # the template's open openings go; the late opening of case 13 comes
    template_open = of_template_in_baseline("is_open and not is_evergreen")
    assert template_open >= 1
    open_openings = "select open_openings_n from kpi_open_openings where true"
    assert all_departments(published, open_openings) == (
        all_departments(baseline.published, open_openings) - template_open + 1
    )
    # the template's filled openings leave time to fill (the generated job may have none)
    template_filled = of_template_in_baseline("time_to_fill_days is not null")
    filled = "select sum(openings_filled_n) from kpi_time_to_fill where period_grain = 'quarter'"
    assert all_departments(published, filled) == (
        all_departments(baseline.published, filled) - template_filled
    )
    # applications made to a template still count
    applications = "select count(*) from fct_applications where job_id = ?"
    assert query(published, applications, [template]) == query(
        baseline.published, applications, [template]
    )


def test_prospects_without_a_job_are_not_in_progress_in_the_funnel(tolerant):
    published = published_or_fail(tolerant)
    prospects = query(
        published,
        "select count(*) from fct_applications where is_prospect and job_id is null",
    )[0][0]
    assert prospects == 2  # as generated: two sourced prospects, no job yet
    assert query(
        published,
        "select coalesce(sum(in_progress_n), 0) from kpi_stage_pass_through"
        " where department = 'No department' and source_system = 'All ATSs'",
    ) == [(0,)]


# -- personal data and the salt --------------------------------------------------------


def test_plain_string_email_and_phone_are_never_quoted_by_quarantine(tolerant):
    ids = tolerant.cases["plain_string_candidates"]
    rows = query(
        tolerant.warehouse_db,
        "select field, value, reason from raw.quarantine where entity = 'candidates'"
        " and try_cast(json_extract_string(record, '$.id') as bigint) in (?, ?)",
        ids,
    )
    assert all(value is None for _, value, _ in rows), rows
    scanner = PiiScanner(candidate_pii(tolerant.exports))
    assert [r for r in rows if scanner.find(r[2] or "")] == []


@pytest.fixture(scope="module")
def refreshes(baseline, tolerant, blocked) -> dict[str, Refresh]:
    return {"baseline": baseline, "tolerant": tolerant, "blocked": blocked}


@pytest.mark.parametrize("name", ["baseline", "tolerant", "blocked"])
def test_no_candidate_value_in_published_logs_or_terminal(refreshes, name):
    refresh = refreshes[name]
    scanner = PiiScanner(candidate_pii(refresh.exports))
    assert scanner.find(output(refresh.result)) == set()
    assert scanner.in_files(refresh.warehouse / "logs") == {}
    if refresh.published.exists():
        assert scanner.in_database(refresh.published) == {}


def test_raw_and_quarantine_hold_no_plain_candidate_value(tolerant):
    scanner = PiiScanner(candidate_pii(tolerant.exports))
    assert scanner.in_database(tolerant.warehouse_db) == {}


def test_published_quarantine_summary_holds_counts_by_file_field_and_reason_code(tolerant):
    columns = {
        c
        for (c,) in query(
            published_or_fail(tolerant),
            "select column_name from duckdb_columns() where table_name = 'meta_quarantine_summary'",
        )
    }
    assert {"file", "field", "reason_code", "rows"} <= columns
    assert not columns & {"reason", "value", "record", "location"}


def test_the_salt_is_in_no_compiled_sql_view_or_warehouse_file(tolerant):
    published_or_fail(tolerant)
    assert files_holding(DBT_TARGET, SECRET_SALT) == []
    assert files_holding(tolerant.warehouse, SECRET_SALT) == []
    views = query(tolerant.warehouse_db, "select sql from duckdb_views() where not internal")
    assert [sql for (sql,) in views if SECRET_SALT in (sql or "")] == []


# -- blocked: failures that must stop before dbt ---------------------------------------


@dataclass
class Blocked(Refresh):
    published_before: str = ""
    scorecard_line: int = 0


@pytest.fixture(scope="module")
def blocked(baseline, tmp_path_factory) -> Blocked:
    root = tmp_path_factory.mktemp("blocked")
    export, warehouse = copy_of_baseline(baseline, root)
    # 1: every application's status renamed by an extraction tool
    applications = export.objects("applications")
    for application in applications:
        application["application_status"] = application.pop("status")
    export.save("applications", applications)
    # 8: the CSV header lost one name; the rows did not
    employees = export.path("employees")
    lines = employees.read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace("application_id,", "", 1)
    employees.write_text("".join(lines))
    # 2: an invalid UTF-8 byte inside one JSON Lines line
    scorecards = export.objects("scorecards")
    export.save("scorecards", scorecards, json_lines=True)
    path = export.path("scorecards")
    data = path.read_bytes().split(b"\n")
    line_no = 5
    data[line_no - 1] = data[line_no - 1].replace(b'"interview": "', b'"interview": "\xff', 1)
    path.write_bytes(b"\n".join(data))
    # not a generated export any more: the demo salt must be warned about
    (export.root / ".generated-demo").unlink()
    before = digest(warehouse / PUBLISHED)
    result = hiring_refresh(export.root, warehouse)
    return Blocked(export.root, warehouse, result, before, line_no)


def test_all_applications_rejected_fails_before_dbt_naming_file_and_reason(blocked):
    result = blocked.result
    assert result.returncode == 1, failure_report(result)
    assert "Refresh FAILED: nothing was published." in result.stdout
    applications = len(Export(blocked.exports).objects("applications"))
    named = lines_with(
        result.stdout, "greenhouse/applications.json", f"{applications} of {applications}", "status"
    )
    assert named, failure_report(result)
    assert "dbt build" not in result.stderr


def test_a_failed_refresh_leaves_the_published_snapshot_byte_for_byte(blocked):
    assert digest(blocked.published) == blocked.published_before


def test_a_csv_header_missing_a_name_is_a_file_error_naming_file_and_column(blocked):
    named = lines_with(blocked.result.stdout, "people/employees.csv")
    assert any("application_id" in line or re.search(r"column \d", line) for line in named), (
        failure_report(blocked.result)
    )
    # a file-level error: not one quarantined row per line
    assert query(
        blocked.warehouse_db,
        "select count(*) from raw.quarantine where file = 'people/employees.csv'",
    ) == [(0,)]


def test_an_invalid_utf8_byte_in_json_lines_names_file_and_line(blocked):
    where = f"greenhouse/scorecards.json line {blocked.scorecard_line}"
    quarantined = query(
        blocked.warehouse_db,
        "select action, reason_code from raw.quarantine"
        " where file = 'greenhouse/scorecards.json' and line = ?",
        [blocked.scorecard_line],
    )
    named = where in blocked.result.stdout or "greenhouse/scorecards.json byte offset" in (
        blocked.result.stdout
    )
    assert named or ("dropped", "encoding") in quarantined, failure_report(blocked.result)
    assert "Error occurred while executing op" not in blocked.result.stdout


# -- repair: one warehouse, four refreshes ----------------------------------------------


@dataclass
class Step:
    result: object
    published_digest: str | None
    logs: set[str]
    dbt_project_bytes: int


@dataclass
class Repair:
    warehouse: Path
    exports: Path
    before: Step
    steps: dict[str, Step]
    deleted_application: int
    records_deleted: int
    scores: dict[str, str]
    scores_after_correction: dict[str, str]


def observe(warehouse: Path, result=None) -> Step:
    published = warehouse / PUBLISHED
    logs = warehouse / "logs"
    return Step(
        result,
        digest(published) if published.exists() else None,
        {p.name for p in logs.iterdir()} if logs.exists() else set(),
        folder_bytes(DBT_PROJECT),
    )


@pytest.fixture(scope="module")
def repair(baseline, tmp_path_factory) -> Repair:
    root = tmp_path_factory.mktemp("repair")
    export, warehouse = copy_of_baseline(baseline, root)
    good_stages = export.path("application_stages").read_bytes()
    steps: dict[str, Step] = {}
    before = observe(warehouse)

    # 5: a stage nobody mapped fails the build...
    stages = export.objects("application_stages")
    stray = {**stages[0], "stage_id": 3999002, "stage_name": "Vibe Check"}
    stray["entered_at"] = stray["exited_at"] or stray["entered_at"]
    stray["exited_at"] = None
    export.save("application_stages", [*stages, stray], json_lines=True)
    steps["unknown_stage"] = observe(warehouse, hiring_refresh(export.root, warehouse))

    # ...then the corrected export: stage fixed, one application deleted in the ATS,
    # and (8) the optional `score` column left out of the survey file
    export.path("application_stages").write_bytes(good_stages)
    deleted = 20000001
    removed = export.remove_application(deleted)
    header, rows = export.rows("candidate_surveys")
    scores = {r["survey_id"]: r["score"] for r in rows if r["score"]}
    export.save_rows("candidate_surveys", [h for h in header if h != "score"], rows)
    steps["corrected"] = observe(warehouse, hiring_refresh(export.root, warehouse))
    stored_scores = dict(
        query(
            warehouse / WAREHOUSE_DB,
            "select survey_id, cast(score as varchar) from raw_people.candidate_surveys"
            " where score is not null",
        )
    )

    # 1: an as-of before the first event is refused
    steps["early_as_of"] = observe(
        warehouse, hiring_refresh(export.root, warehouse, "--as-of", "2001-01-01")
    )
    # 5: rebuild raw from the export folder
    steps["rebuild"] = observe(warehouse, hiring_refresh(export.root, warehouse, "--rebuild"))
    # the stray stage row is deleted along with the application's records
    return Repair(
        warehouse, export.root, before, steps, deleted, removed + 1, scores, stored_scores
    )


def test_unknown_stage_fails_and_keeps_the_snapshot(repair):
    step = repair.steps["unknown_stage"]
    assert step.result.returncode == 1
    assert "Vibe Check" in step.result.stdout
    assert step.published_digest == repair.before.published_digest


def test_the_corrected_export_repairs_the_same_warehouse(repair):
    step = repair.steps["corrected"]
    assert step.result.returncode == 0, failure_report(step.result)
    assert step.published_digest != repair.before.published_digest


def test_a_record_deleted_from_the_export_leaves_raw_and_marts(repair):
    corrected = repair.steps["corrected"]
    assert corrected.result.returncode == 0, failure_report(corrected.result)
    warehouse_db = repair.warehouse / WAREHOUSE_DB
    assert query(
        warehouse_db,
        "select count(*) from raw_greenhouse.applications where id = ?",
        [repair.deleted_application],
    ) == [(0,)]
    assert query(
        warehouse_db,
        "select count(*) from raw_greenhouse.application_stages where stage_name = 'Vibe Check'",
    ) == [(0,)]
    assert query(
        repair.warehouse / PUBLISHED,
        "select count(*), count(*) filter (where application_id = ?) from fct_applications",
        [f"greenhouse:{repair.deleted_application}"],
    ) == [(299, 0)]
    deleted_lines = [
        line
        for line in corrected.result.stdout.splitlines()
        if re.search(r"delet|remov", line, re.IGNORECASE)
    ]
    assert any(re.search(rf"\b{repair.records_deleted}\b", line) for line in deleted_lines), (
        failure_report(corrected.result)
    )


def test_a_dropped_optional_column_warns_and_keeps_stored_values(repair):
    corrected = repair.steps["corrected"]
    assert lines_with(output(corrected.result), "people/candidate_surveys.csv", "score"), (
        failure_report(corrected.result)
    )
    # every score the export did not mention this time is still stored (read right after
    # that refresh: the rebuild that follows starts raw from the export alone)
    assert repair.scores_after_correction == repair.scores


def test_as_of_before_the_first_event_is_refused_and_keeps_the_snapshot(repair):
    step = repair.steps["early_as_of"]
    assert step.result.returncode in (1, 2), failure_report(step.result)
    assert "2001-01-01" in output(step.result)
    assert step.published_digest == repair.steps["corrected"].published_digest


def test_rebuild_rebuilds_raw_from_the_export_and_publishes(repair):
    step = repair.steps["rebuild"]
    assert step.result.returncode == 0, failure_report(step.result)
    assert step.published_digest != repair.steps["corrected"].published_digest
    assert query(
        repair.warehouse / WAREHOUSE_DB, "select count(distinct load_id) from raw.load_log"
    ) == [(1,)]
    assert query(repair.warehouse / PUBLISHED, "select count(*) from fct_applications") == [(299,)]


def test_each_refresh_keeps_its_own_log_and_the_previous_ones(repair):
    # the baseline's good log survives the failed refresh that follows it
    assert repair.before.logs and repair.before.logs <= repair.steps["unknown_stage"].logs
    previous = repair.before
    previous_new: set[str] = set()
    for name, step in repair.steps.items():
        new = step.logs - previous.logs
        assert len(new) == 1, f"{name}: one new log file expected, logs: {sorted(step.logs)}"
        assert previous_new <= step.logs, f"{name}: the previous refresh's log is gone"
        previous, previous_new = step, new


def test_refreshes_do_not_grow_the_dbt_project(repair):
    grown = repair.steps["rebuild"].dbt_project_bytes - repair.steps["corrected"].dbt_project_bytes
    assert grown < 1_000_000, f"dbt_project/ grew by {grown:,} bytes over two refreshes"


# -- contention: two refreshes at once, --wait, kill -9 during dbt ----------------------


@dataclass
class Contention:
    warehouse: Path
    digest_before: str
    digest_after_second: str
    second: object
    waiting_code: int | None
    waiting_printed: str
    dbt_at_kill: list[int]
    dbt_left_after_kill: list[int]
    after_kill: object | None  # a plain refresh, run only when the waiting one failed


@pytest.fixture(scope="module")
def contention(baseline, tmp_path_factory) -> Iterator[Contention]:
    # dbt's own process is what a kill must not leave behind: no replay (in-process)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HIRING_DBT_REPLAY", "0")
        yield _contention(baseline, tmp_path_factory)


def _contention(baseline, tmp_path_factory) -> Contention:
    root = tmp_path_factory.mktemp("contention")
    export, warehouse = copy_of_baseline(baseline, root)
    published = warehouse / PUBLISHED
    digest_before = digest(published)
    first = start_refresh(export.root, warehouse, root / "first")
    started = [first]
    seen: set[int] = set()
    try:
        in_dbt = poll(lambda: dbt_processes_below(first.pid), timeout=600)
        assert in_dbt, "the first refresh never started dbt:\n" + printed(root / "first")
        seen.update(in_dbt)
        second = hiring_refresh(export.root, warehouse)
        digest_after_second = digest(published)
        waiting = start_refresh(export.root, warehouse, root / "waiting", "--wait")
        started.append(waiting)
        # let the waiting refresh reach the lock (bounded), unless the first one ends first
        poll(
            lambda: "wait" in printed(root / "waiting").lower() or first.poll() is not None,
            timeout=120,
        )
        victim = first
        dbt_at_kill = dbt_processes_below(first.pid)
        waiting_done_before_kill = False
        if not dbt_at_kill:  # the first one got past dbt meanwhile: kill a new one in dbt
            first.wait(timeout=900)
            waiting.wait(timeout=900)  # it takes the lock next: the victim must not meet it
            waiting_done_before_kill = True
            # --force: the export did not change, and a plain refresh would stop at once
            victim = start_refresh(export.root, warehouse, root / "victim", "--force")
            started.append(victim)
            dbt_at_kill = poll(lambda: dbt_processes_below(victim.pid), timeout=600)
        seen.update(dbt_at_kill)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        left = poll(lambda: not [p for p in dbt_at_kill if is_alive(p)], timeout=30)
        dbt_left = [] if left else [p for p in dbt_at_kill if is_alive(p)]
        waiting.wait(timeout=900)
        after_kill = None
        if waiting.returncode != 0 or waiting_done_before_kill:
            kill_if_alive(dbt_left)
            after_kill = hiring_refresh(export.root, warehouse, "--force")  # every step runs
        return Contention(
            warehouse,
            digest_before,
            digest_after_second,
            second,
            waiting.returncode,
            printed(root / "waiting"),
            dbt_at_kill,
            dbt_left,
            after_kill,
        )
    finally:
        for process in started:
            if process.poll() is None:
                seen.update(descendants(process.pid))
                process.kill()
                process.wait()
        kill_if_alive(seen)


def test_a_second_refresh_on_a_busy_warehouse_exits_3_saying_why(contention):
    second = contention.second
    assert second.returncode == 3, failure_report(second)
    assert re.search(
        r"another refresh|already running|locked|holds? the (warehouse|lock)",
        output(second),
        re.IGNORECASE,
    ), failure_report(second)
    assert contention.digest_after_second == contention.digest_before


def test_a_refresh_with_wait_runs_once_the_warehouse_is_free(contention):
    assert contention.waiting_code == 0, contention.waiting_printed
    assert "wait" in contention.waiting_printed.lower()


def test_kill_9_during_dbt_leaves_no_dbt_running(contention):
    assert contention.dbt_at_kill, "the first refresh had left dbt before it was killed"
    assert contention.dbt_left_after_kill == []


def test_the_next_refresh_after_a_kill_9_publishes(contention):
    if contention.after_kill is None:
        assert contention.waiting_code == 0
    else:
        assert contention.after_kill.returncode == 0, failure_report(contention.after_kill)
    assert digest(contention.warehouse / PUBLISHED) != contention.digest_before
