"""The metrics of docs/metrics.md on the hand-made Lever export, against hand computation.

Every expected value is worked out in tests/fixtures/lever_export/EXPECTED.md;
one real refresh as of its date feeds both test groups:

- the published marts (`published.duckdb`), as an analyst sees them;
- the canonical Lever staging views in `warehouse.duckdb`, the translation of
  Lever's meanings (stays, hires, who ended a candidacy, offers, openings)
  that the marts are built from. These are checked even when the refresh does
  not publish, so a staging fault is told apart from a downstream one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, query, refresh

LEVER_EXPORT = PROJECT_ROOT / "tests" / "fixtures" / "lever_export"
LEVER_AS_OF = "2026-03-31"
ALL = "All departments"


def lever_id(prefix: str, n: int) -> str:
    """The warehouse key of a readable fixture UUID: lever_id("e", 1) is A1."""
    return f"lever:{prefix}0000000-0000-4000-8000-{n:012d}"


A1, A2, A3, A4, A5, A6 = (lever_id("e", n) for n in range(1, 7))
R1, R2 = lever_id("c", 1), lever_id("c", 2)


@pytest.fixture(scope="session")
def lever_refresh(tmp_path_factory):
    """One refresh of the Lever export as of EXPECTED.md's date (not asserted here)."""
    warehouse = tmp_path_factory.mktemp("lever_warehouse")
    result = refresh(LEVER_EXPORT, warehouse, LEVER_AS_OF)
    return warehouse, result


@pytest.fixture(scope="session")
def lever_published(lever_refresh) -> Path:
    warehouse, result = lever_refresh
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    assert (warehouse / "published.duckdb").exists()
    return warehouse / "published.duckdb"


@pytest.fixture(scope="session")
def lever_warehouse(lever_refresh) -> Path:
    """warehouse.duckdb: the raw layer is loaded and staging built before the marts."""
    warehouse, result = lever_refresh
    db = warehouse / "warehouse.duckdb"
    assert db.exists(), f"no warehouse:\n{result.stdout}\n{result.stderr}"
    return db


def one(db: Path, sql: str, params: list) -> tuple:
    rows = query(db, sql, params)
    assert len(rows) == 1, f"expected one row, got {rows}"
    return rows[0]


# -- published marts ---------------------------------------------------------------------


def test_as_of_date_is_the_requested_one(lever_published):
    assert query(lever_published, "select cast(as_of_date as varchar) from meta_as_of") == [
        (LEVER_AS_OF,)
    ]


@pytest.mark.parametrize(
    ("app", "status", "furthest_stage", "time_to_hire_days"),
    [
        (A1, "hired", "hired", 34),  # applied 01-10 23:59:59.999, archived Hired 02-13 00:00:00.001
        (A2, "hired", "hired", 35),  # applied 02-02 00:00:00.001, archived Hired 03-09 23:59:59.999
        (A3, "withdrew", "recruiter_screen", None),  # Withdrew
        (A4, "rejected", "application_review", None),  # Underqualified
        (A5, "withdrew", "offer", None),  # Offer declined
        (A6, "active", "offer", None),  # sourced, first stage New lead
    ],
)
def test_application_outcomes(lever_published, app, status, furthest_stage, time_to_hire_days):
    sql = """select status, furthest_stage, time_to_hire_days
             from fct_applications where application_id = ?"""
    assert one(lever_published, sql, [app]) == (status, furthest_stage, time_to_hire_days)


def test_six_applications_all_lever(lever_published):
    assert query(lever_published, "select count(*) from fct_applications") == [(6,)]
    sql = "select count(*) from fct_applications where application_id not like 'lever:%'"
    assert query(lever_published, sql) == [(0,)]


def test_applied_date_is_the_utc_date_of_created_at(lever_published):
    sql = "select cast(applied_date as varchar) from fct_applications where application_id = ?"
    assert one(lever_published, sql, [A1]) == ("2026-01-10",)  # 23:59:59.999 UTC
    assert one(lever_published, sql, [A6]) == ("2026-03-02",)  # sourced: added 23:59:59.999


@pytest.mark.parametrize(
    ("opening", "time_to_fill_days", "is_open", "open_age_days", "filled_by"),
    [
        (R1, 39, False, None, A1),  # opened 01-05 23:59:59.999, filled by A1 02-13
        (R2, None, True, 57, None),  # A2 names no requisition: still open on 03-31
    ],
)
def test_openings(lever_published, opening, time_to_fill_days, is_open, open_age_days, filled_by):
    sql = """select time_to_fill_days, is_open, open_age_days, filled_by_application_id
             from fct_openings where opening_id = ?"""
    assert one(lever_published, sql, [opening]) == (
        time_to_fill_days,
        is_open,
        open_age_days,
        filled_by,
    )


def test_time_to_hire_kpi(lever_published):
    sql = """select hires_n, median_days, p75_days, mean_days from kpi_time_to_hire
             where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(lever_published, sql, ["month", "2026-02-01", ALL]) == (1, 34.0, 34.0, 34.0)
    assert one(lever_published, sql, ["month", "2026-03-01", ALL]) == (1, 35.0, 35.0, 35.0)
    assert one(lever_published, sql, ["quarter", "2026-01-01", ALL]) == pytest.approx(
        (2, 34.5, 34.75, 34.5)
    )


def test_time_to_fill_and_open_openings_kpis(lever_published):
    sql = """select openings_filled_n, median_days from kpi_time_to_fill
             where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(lever_published, sql, ["quarter", "2026-01-01", ALL]) == (1, 39.0)
    sql = """select open_openings_n, median_open_age_days, cast(as_of_date as varchar)
             from kpi_open_openings where department = ? and source_system = 'All ATSs'"""
    assert one(lever_published, sql, [ALL]) == (1, 57.0, LEVER_AS_OF)


def test_offer_acceptance_kpi(lever_published):
    # signed = accepted, denied = declined, sent = pending; answered at archivedAt
    sql = """select offers_accepted, offers_declined, acceptance_rate, offers_pending
             from kpi_offer_acceptance where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(lever_published, sql, ["month", "2026-02-01", ALL]) == (1, 1, 0.5, 0)
    assert one(lever_published, sql, ["month", "2026-03-01", ALL]) == (1, 0, 1.0, 1)
    assert one(lever_published, sql, ["quarter", "2026-01-01", ALL]) == pytest.approx(
        (2, 1, 2 / 3, 1)
    )


def test_source_of_hire_kpi(lever_published):
    sql = """select source_name, hires_n, share_of_hires from kpi_source_of_hire
             where period_grain = 'quarter' and period_start = '2026-01-01' and department = ? and source_system = 'All ATSs'
             order by source_name"""
    assert query(lever_published, sql, [ALL]) == [("LinkedIn", 1, 0.5), ("Referral", 1, 0.5)]


def test_pass_through_from_recruiter_screen(lever_published):
    sql = """select passed_n, rejected_n, in_progress_n, pass_through_rate from kpi_stage_pass_through
             where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'
               and canonical_stage = 'recruiter_screen'"""
    assert one(lever_published, sql, ["month", "2026-01-01", ALL]) == pytest.approx(
        (2, 1, 0, 2 / 3)
    )
    assert one(lever_published, sql, ["month", "2026-02-01", ALL]) == (1, 0, 0, 1.0)
    assert one(lever_published, sql, ["month", "2026-03-01", ALL]) == (1, 0, 0, 1.0)
    assert one(lever_published, sql, ["quarter", "2026-01-01", ALL]) == (4, 1, 0, 0.8)


@pytest.mark.parametrize(
    ("app", "stage_name", "days_in_stage", "open_age_days"),
    [
        (A1, "Recruiter screen", 6, None),  # 01-13 -> 01-19
        (A1, "Offer", 8, None),  # 02-05 -> archived 02-13
        (A2, "Recruiter screen", 7, None),  # 02-04 -> On-site 02-11 (skips Phone interview)
        (A2, "Offer", 21, None),  # 02-16 -> archived 03-09
        (A3, "Recruiter screen", 6, None),  # 01-15 -> archived 01-21 23:59:59.999
        (A4, "New applicant", 2, None),  # 02-03 -> archived 02-05 00:00:00.001
        (A6, "New lead", 4, None),  # 03-02 -> 03-06
        (A6, "Offer", None, 5),  # since 03-26, open on 03-31
    ],
)
def test_stage_stays(lever_published, app, stage_name, days_in_stage, open_age_days):
    sql = """select days_in_stage, open_age_days from fct_application_stages
             where application_id = ? and stage_name = ?"""
    assert one(lever_published, sql, [app, stage_name]) == (days_in_stage, open_age_days)


# -- canonical Lever staging (warehouse.duckdb) ------------------------------------------


def test_staging_applications_translate_lever_archives(lever_warehouse):
    sql = """select application_id, is_hired_in_ats, cast(hire_evidence_at as varchar),
                    hired_opening_id, cast(ended_at as varchar), ended_by, end_reason,
                    cast(applied_at as varchar), is_prospect
             from staging.stg_lever__applications order by application_id"""
    assert query(lever_warehouse, sql) == [
        (A1, True, "2026-02-13 00:00:00.001", R1, None, None, None, "2026-01-10 23:59:59.999", False),
        (A2, True, "2026-03-09 23:59:59.999", None, None, None, None, "2026-02-02 00:00:00.001", False),
        (A3, False, None, None, "2026-01-21 23:59:59.999", "candidate", "Withdrew", "2026-01-12 08:00:00", False),
        (A4, False, None, None, "2026-02-05 00:00:00.001", "company", "Underqualified", "2026-02-03 12:00:00", False),
        (A5, False, None, None, "2026-02-20 17:00:00", "candidate", "Offer declined", "2026-01-15 09:00:00", False),
        (A6, False, None, None, None, None, None, "2026-03-02 23:59:59.999", True),
    ]  # fmt: skip


def test_staging_candidates_are_contacts(lever_warehouse):
    sql = """select candidate_id from staging.stg_lever__applications
             where application_id = ?"""
    assert one(lever_warehouse, sql, [A1]) == (lever_id("1", 1),)
    sql = "select count(*), count(distinct candidate_key) from staging.stg_lever__candidates"
    assert query(lever_warehouse, sql) == [(6, 6)]


def test_staging_stage_stays_from_stage_changes(lever_warehouse):
    sql = """select stage_name, cast(entered_at as varchar), cast(exited_at as varchar)
             from staging.stg_lever__stage_stays where application_id = ? order by entered_at"""
    assert query(lever_warehouse, sql, [A1]) == [
        ("New applicant", "2026-01-10 23:59:59.999", "2026-01-13 10:00:00"),
        ("Recruiter screen", "2026-01-13 10:00:00", "2026-01-19 16:00:00"),
        ("Phone interview", "2026-01-19 16:00:00", "2026-01-27 09:30:00"),
        ("On-site interview", "2026-01-27 09:30:00", "2026-02-05 09:00:00"),
        ("Offer", "2026-02-05 09:00:00", "2026-02-13 00:00:00.001"),  # ends at archivedAt
    ]
    assert query(lever_warehouse, sql, [A4]) == [
        ("New applicant", "2026-02-03 12:00:00", "2026-02-05 00:00:00.001"),
    ]
    assert query(lever_warehouse, sql, [A6]) == [
        ("New lead", "2026-03-02 23:59:59.999", "2026-03-06 10:00:00"),
        ("Recruiter screen", "2026-03-06 10:00:00", "2026-03-16 15:00:00"),
        ("On-site interview", "2026-03-16 15:00:00", "2026-03-26 09:00:00"),
        ("Offer", "2026-03-26 09:00:00", None),  # active: the last stay is open
    ]


def test_staging_offers(lever_warehouse):
    sql = """select application_id, offer_status, cast(sent_date as varchar),
                    cast(resolved_at as varchar), opening_id, cast(start_date as varchar)
             from staging.stg_lever__offers order by offer_id"""
    assert query(lever_warehouse, sql) == [
        (A1, "accepted", "2026-02-06", "2026-02-13 00:00:00.001", R1, "2026-03-02"),
        (A2, "accepted", "2026-02-17", "2026-03-09 23:59:59.999", None, "2026-04-06"),
        (A5, "declined", "2026-02-10", "2026-02-20 17:00:00", None, "2026-03-16"),
        (A6, "pending", "2026-03-27", None, None, "2026-04-27"),
    ]


def test_staging_openings_are_requisitions(lever_warehouse):
    sql = """select opening_id, job_id, opening_status, cast(opened_at as varchar),
                    hired_application_id
             from staging.stg_lever__openings order by opening_id"""
    assert query(lever_warehouse, sql) == [
        (R1, lever_id("b", 1), "closed", "2026-01-05 23:59:59.999", A1),
        (R2, lever_id("b", 2), "open", "2026-02-02 00:00:00.001", None),
    ]


def test_staging_interviews_and_expected_scorecards(lever_warehouse):
    sql = """select interview_id, interview_status, cast(ends_at as varchar)
             from staging.stg_lever__interviews order by interview_id"""
    assert query(lever_warehouse, sql) == [
        (lever_id("2", 1), "completed", "2026-01-21 15:45:00"),
        (lever_id("2", 2), "completed", "2026-01-29 11:00:00"),
        (lever_id("2", 3), "cancelled", "2026-01-22 10:30:00"),
    ]
    sql = """select interview_id, user_id, scorecard_id
             from staging.stg_lever__interviewers order by interview_id, user_id"""
    assert query(lever_warehouse, sql) == [
        (lever_id("2", 1), lever_id("a", 1), lever_id("3", 1)),
        (lever_id("2", 2), lever_id("a", 1), lever_id("3", 3)),
        (lever_id("2", 2), lever_id("a", 3), lever_id("3", 2)),
        (lever_id("2", 3), lever_id("a", 2), None),
    ]
    sql = """select scorecard_id, cast(submitted_at as varchar)
             from staging.stg_lever__scorecards order by scorecard_id"""
    assert query(lever_warehouse, sql) == [
        (lever_id("3", 1), "2026-01-21 23:59:59.999"),
        (lever_id("3", 2), "2026-01-30 11:00:00.001"),
        (lever_id("3", 3), "2026-01-31 09:00:00"),
    ]
