"""The metrics of docs/metrics.md on the hand-made export, against hand computation.

Every expected value is worked out in tests/fixtures/handmade_export/EXPECTED.md;
the published snapshot comes from a real refresh as of 2026-03-31.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ENGINES, handmade_on, query


@pytest.fixture(scope="module", params=ENGINES)
def handmade_published(request, handmade_published):
    """Each expected value below holds on DuckDB and on Spark."""
    return handmade_on(request, handmade_published)


ALL = "All departments"


def one(db: Path, sql: str, params: list) -> tuple:
    rows = query(db, sql, params)
    assert len(rows) == 1, f"expected one row, got {rows}"
    return rows[0]


def application(db: Path, app: int, column: str):
    return one(
        db, f"select {column} from fct_applications where application_id = ?", [f"greenhouse:{app}"]
    )[0]


def opening(db: Path, opening_id: int) -> dict:
    columns = [
        "time_to_fill_days",
        "is_open",
        "open_age_days",
        "is_evergreen",
        "filled_by_application_id",
    ]
    row = one(
        db,
        f"select {', '.join(columns)} from fct_openings where opening_id = ?",
        [f"greenhouse:{opening_id}"],
    )
    return dict(zip(columns, row, strict=True))


def test_as_of_date_is_the_requested_one(handmade_published):
    assert query(handmade_published, "select cast(as_of_date as varchar) from meta_as_of") == [
        ("2026-03-31",)
    ]


@pytest.mark.parametrize(
    ("app", "days"),
    [
        (
            3001,
            33,
        ),  # applied 01-10 16:00 -08:00 = 01-11 UTC; accepted 02-12 23:30 -08:00 = 02-13 UTC
        (3002, 49),  # declined, then re-offered and accepted 03-05
        (3005, 35),
        (3009, 39),  # evergreen job: still counts in time to hire
        (3011, 15),  # hired in the ATS without offer data
    ],
)
def test_time_to_hire_per_application(handmade_published, app, days):
    assert application(handmade_published, app, "status") == "hired"
    assert application(handmade_published, app, "time_to_hire_days") == days


def test_offer_accepted_across_midnight_is_dated_in_utc(handmade_published):
    accepted = application(handmade_published, 3001, "cast(offer_accepted_at as varchar)")
    assert accepted == "2026-02-13 07:30:00"


def test_prospect_without_applied_at_applied_when_added_to_the_job(handmade_published):
    assert application(handmade_published, 3003, "cast(applied_date as varchar)") == "2026-01-25"
    assert application(handmade_published, 3003, "status") == "active"


@pytest.mark.parametrize(
    ("app", "status"),
    [
        (3003, "active"),
        (3004, "withdrew"),
        (3006, "rejected"),
        (3007, "withdrew"),
        (3008, "active"),
    ],
)
def test_status_on_the_as_of_date(handmade_published, app, status):
    assert application(handmade_published, app, "status") == status


def test_events_after_as_of_have_not_happened(handmade_published):
    # 3010 applied 2026-04-03; 3008's offer was accepted 2026-04-02
    # (14 = 3001-3009, 3011 and the 2025 cases 3012-3015; EXPECTED.md)
    assert query(handmade_published, "select count(*) from fct_applications") == [(14,)]
    assert application(handmade_published, 3008, "offer_status") == "pending"
    assert application(handmade_published, 3008, "time_to_hire_days") is None


@pytest.mark.parametrize(
    ("opening_id", "expected"),
    [
        (1001, {"time_to_fill_days": 39, "is_open": False, "open_age_days": None}),
        (
            1002,
            {"time_to_fill_days": 59, "is_open": False, "open_age_days": None},
        ),  # job's open date
        (1003, {"time_to_fill_days": None, "is_open": True, "open_age_days": 44}),
        (2001, {"time_to_fill_days": 37, "is_open": False, "open_age_days": None}),  # +02:00 offset
        (
            2002,
            {"time_to_fill_days": None, "is_open": False, "open_age_days": None},
        ),  # closed, no hire
        (
            2003,
            {"time_to_fill_days": None, "is_open": True, "open_age_days": 16},
        ),  # filled after as-of
        (
            5001,
            {
                "time_to_fill_days": 41,
                "is_open": False,
                "open_age_days": None,
                "is_evergreen": True,
            },
        ),
        (
            5002,
            {"time_to_fill_days": None, "is_open": True, "open_age_days": 80, "is_evergreen": True},
        ),
    ],
)
def test_time_to_fill_and_open_age_per_opening(handmade_published, opening_id, expected):
    actual = opening(handmade_published, opening_id)
    assert {k: actual[k] for k in expected} == expected


def test_opening_filled_by_the_accepted_offer_naming_it(handmade_published):
    assert opening(handmade_published, 1002)["filled_by_application_id"] == "greenhouse:3002"


def test_time_to_hire_kpi(handmade_published):
    sql = """select hires_n, median_days, p75_days, mean_days from kpi_time_to_hire
             where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, ["month", "2026-02-01", ALL]) == (3, 33.0, 36.0, 29.0)
    assert one(handmade_published, sql, ["quarter", "2026-01-01", ALL]) == pytest.approx(
        (5, 35.0, 39.0, 34.2)
    )


def test_time_to_fill_kpi_excludes_evergreen(handmade_published):
    sql = """select openings_filled_n, median_days, p75_days, mean_days from kpi_time_to_fill
             where period_grain = 'quarter' and period_start = '2026-01-01' and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, [ALL]) == (3, 39.0, 49.0, 45.0)


def test_open_openings_kpi_excludes_evergreen(handmade_published):
    sql = """select open_openings_n, median_open_age_days, p75_open_age_days, cast(as_of_date as varchar)
             from kpi_open_openings where department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, [ALL]) == (2, 30.0, 37.0, "2026-03-31")


def test_offer_acceptance_kpi(handmade_published):
    sql = """select offers_accepted, offers_declined, acceptance_rate, offers_pending
             from kpi_offer_acceptance where period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, ["month", "2026-03-01", ALL]) == pytest.approx(
        (2, 1, 2 / 3, 1)
    )
    assert one(handmade_published, sql, ["month", "2026-02-01", ALL]) == (2, 0, 1.0, 0)
    assert one(handmade_published, sql, ["quarter", "2026-01-01", ALL]) == (4, 1, 0.8, 1)


def test_source_of_hire_kpi(handmade_published):
    sql = """select source_name, hires_n, share_of_hires from kpi_source_of_hire
             where period_grain = 'quarter' and period_start = '2026-01-01' and department = ? and source_system = 'All ATSs'
             order by source_name"""
    assert query(handmade_published, sql, [ALL]) == [("LinkedIn", 2, 0.4), ("Referral", 3, 0.6)]


@pytest.mark.parametrize(
    ("stage", "grain", "start", "expected"),
    [
        ("recruiter_screen", "month", "2026-01-01", (3, 0, 1, 1.0)),
        ("recruiter_screen", "month", "2026-02-01", (3, 1, 0, 0.75)),
        ("recruiter_screen", "quarter", "2026-01-01", (7, 1, 1, 0.875)),
        ("offer", "quarter", "2026-01-01", (5, 1, 1, 5 / 6)),
    ],
)
def test_stage_pass_through_kpi(handmade_published, stage, grain, start, expected):
    sql = """select passed_n, rejected_n, in_progress_n, pass_through_rate from kpi_stage_pass_through
             where canonical_stage = ? and period_grain = ? and period_start = ? and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, [stage, grain, start, ALL]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("stay", "expected"),
    [
        ("3003:12:2026-01-28T09:00:00Z", (None, True, 62)),  # open on the as-of date
        ("3008:25:2026-03-20T10:00:00Z", (None, True, 11)),  # exit on 04-02 not yet known
        ("3001:15:2026-01-20T10:00:00Z", (16, False, None)),
        (
            "3001:17:2026-02-05T10:00:00Z",
            (8, False, None),
        ),  # left open by the ATS: ends at the hire
    ],
)
def test_time_in_stage(handmade_published, stay, expected):
    sql = "select days_in_stage, is_open, open_age_days from fct_application_stages where stage_stay_id = ?"
    assert one(handmade_published, sql, [f"greenhouse:{stay}"]) == expected


def test_marts_hold_no_candidate_names_or_emails(handmade_published):
    names = ["Aiko", "Tanaka", "aiko.tanaka@example.com", "chloe.martin@example.com"]
    tables = [
        t for (t,) in query(handmade_published, "select table_name from information_schema.tables")
    ]
    for table in tables:
        text = str(query(handmade_published, f'select * from "{table}"')).lower()
        assert not any(n.lower() in text for n in names), table


# -- issue 5: reliability cases (EXPECTED.md, "Reliability cases") --------------------


def test_as_of_span_counts_every_event_date(handmade_published):
    # opening 6101 opened 2026-04-10, after every other event; job 105 created 2025-10-20
    sql = """select cast(first_event_date as varchar), cast(latest_event_date as varchar)
             from meta_as_of"""
    assert query(handmade_published, sql) == [("2025-10-20", "2026-04-10")]


def test_current_stage_counts_when_there_is_no_stage_history(handmade_published):
    # 3012: no stays, current stage "Preliminary Phone Screen"
    assert application(handmade_published, 3012, "furthest_stage") == "recruiter_screen"
    assert application(handmade_published, 3012, "status") == "active"


def test_hire_without_a_hire_date_gets_no_time_to_hire(handmade_published):
    # 3014: hired in the ATS; no offer, no stage history, no last activity
    assert application(handmade_published, 3014, "status") == "hired"
    assert application(handmade_published, 3014, "hired_at") is None
    assert application(handmade_published, 3014, "time_to_hire_days") is None


def test_template_job_openings_are_listed_but_left_out_of_opening_kpis(handmade_published):
    assert opening(handmade_published, 6001)["time_to_fill_days"] == 45
    assert opening(handmade_published, 6002)["open_age_days"] == 148
    flags = query(
        handmade_published,
        "select opening_id, is_template from fct_openings where opening_id like 'greenhouse:6%'"
        " order by opening_id",
    )
    assert flags == [("greenhouse:6001", True), ("greenhouse:6002", True)]
    before_2026 = "select count(*) from kpi_time_to_fill where period_start < '2026-01-01'"
    assert query(handmade_published, before_2026) == [(0,)]
    # kpi_open_openings is unchanged: test_open_openings_kpi_excludes_evergreen


def test_applications_to_a_template_job_still_count(handmade_published):
    assert application(handmade_published, 3013, "time_to_hire_days") == 38
    sql = """select hires_n, median_days from kpi_time_to_hire
             where period_grain = 'quarter' and period_start = '2025-10-01' and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, [ALL]) == (1, 38.0)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("application_review", (3, 0, 0, 1.0)),  # 3015, a prospect on no job, is left out
        ("recruiter_screen", (2, 0, 1, 1.0)),  # 3012 in progress through its current stage
        ("offer", (2, 0, 0, 1.0)),
    ],
)
def test_stage_pass_through_leaves_out_applications_without_a_job(
    handmade_published, stage, expected
):
    assert application(handmade_published, 3015, "job_id") is None
    sql = """select passed_n, rejected_n, in_progress_n, pass_through_rate from kpi_stage_pass_through
             where canonical_stage = ? and period_grain = 'quarter' and period_start = '2025-10-01'
             and department = ? and source_system = 'All ATSs'"""
    assert one(handmade_published, sql, [stage, ALL]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("check", "failing"),
    [
        ("offers_for_applications_not_in_export", 1),  # offer 7011 of application 3999
        ("stage_stays_for_applications_not_in_export", 1),  # 3999's stay
        ("hired_without_hire_date", 1),  # 3014
    ],
)
def test_warnings_count_what_they_find(handmade_published, check, failing):
    warehouse = handmade_published.parent / "warehouse.duckdb"
    assert query(warehouse, f"select count(*) from test_failures.{check}") == [(failing,)]


def test_records_of_applications_not_in_the_export_stay_out_of_the_marts(handmade_published):
    sql = "select count(*) from fct_application_stages where application_id = 'greenhouse:3999'"
    assert query(handmade_published, sql) == [(0,)]


# -- one description per metric: the docs blocks travel with the snapshot ------------


def test_metric_descriptions_are_published_from_the_docs_blocks(handmade_published):
    models = Path(__file__).resolve().parent.parent / "dbt_project" / "models"
    blocks = {
        name.removeprefix("metric_")
        for path in models.rglob("_*__docs.md")
        for name in re.findall(r"{%-?\s*docs\s+(metric_\w+)", path.read_text())
    }
    rows = query(handmade_published, "select metric, title, description from meta_metric_docs")
    assert {metric for metric, _, _ in rows} == blocks
    by_metric = {metric: (title, description) for metric, title, description in rows}
    title, description = by_metric["time_to_hire"]
    assert title == "Time to hire"
    assert description.startswith("**Time to hire** (per hired application, days)")
    assert "{%" not in description and "docs" not in description.split("\n")[0]
    assert by_metric["open_opening_age"][0] == "Open opening age"
