"""The collaboration practices of docs/metrics.md on the hand-made export.

Every expected value is worked out in tests/fixtures/handmade_export/EXPECTED.md
("Collaboration practices"); the published snapshot comes from a real refresh
as of 2026-03-31.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import ENGINES, handmade_on, query


@pytest.fixture(scope="module", params=ENGINES)
def handmade_published(request, handmade_published):
    """Each expected value below holds on DuckDB and on Spark."""
    return handmade_on(request, handmade_published)


ALL = "All departments"
GH = "greenhouse:"


def rows(db, sql: str, params: list | None = None) -> list[tuple]:
    return query(db, sql, params)


def kpi(
    db,
    table: str,
    columns: str,
    grain: str,
    start: str,
    department: str = ALL,
    source_system: str = "All ATSs",
) -> tuple:
    result = rows(
        db,
        f"select {columns} from {table} where period_grain = ? and period_start = ?"
        " and department = ? and source_system = ?",
        [grain, start, department, source_system],
    )
    assert len(result) == 1, result
    return result[0]


def test_talk_share_per_interview(handmade_published):
    got = {
        interview_id.removeprefix(GH): (
            has_talk,
            None if hm is None else round(hm, 4),
            None if cand is None else round(cand, 4),
            flagged,
            present,
        )
        for interview_id, has_talk, hm, cand, flagged, present in rows(
            handmade_published,
            "select interview_id, has_talk_data, hiring_manager_talk_share, candidate_talk_share,"
            " is_talk_share_flagged, is_hiring_manager_present from fct_interviews",
        )
    }
    assert got == {
        "50001": (True, 0.5, 0.4, False, True),  # exactly 0.5 is not above the flag
        "50002": (True, 0.6667, 0.2, True, True),
        "50003": (False, None, None, False, True),
        "50004": (True, None, 0.5, False, False),  # manager not in the interview
        "50005": (False, None, None, False, True),
        "50006": (True, 0.3, 0.6, False, True),
        "50007": (True, 0.75, 0.25, True, True),
    }


def test_reschedules_read_not_recorded_never_zero(handmade_published):
    assert rows(
        handmade_published,
        "select distinct reschedules_recorded, is_rescheduled from fct_interviews",
    ) == [(False, None)]
    assert kpi(
        handmade_published,
        "kpi_reschedules",
        "source_system, interviews_scheduled, reschedules_recorded, interviews_rescheduled, reschedule_rate",
        "quarter",
        "2026-01-01",
        source_system="greenhouse",
    ) == ("greenhouse", 7, False, None, None)


def test_talk_share_kpi(handmade_published):
    def share(grain, start):
        n, n_hm, median, flagged, share_flagged = kpi(
            handmade_published,
            "kpi_talk_share",
            "interviews_with_talk_data, interviews_with_hiring_manager,"
            " median_hiring_manager_talk_share, interviews_flagged, share_flagged",
            grain,
            start,
        )
        return (
            n,
            n_hm,
            None if median is None else round(median, 4),
            flagged,
            None if share_flagged is None else round(share_flagged, 4),
        )

    assert share("month", "2026-01-01") == (3, 3, 0.5, 1, 0.3333)
    assert share("month", "2026-02-01") == (1, 1, 0.75, 1, 1.0)
    assert share("month", "2026-03-01") == (1, 0, None, 0, None)
    assert share("quarter", "2026-01-01") == (5, 4, 0.5833, 2, 0.5)


def test_expected_scorecards_hours_and_outcomes(handmade_published):
    got = {
        key.removeprefix(GH): (
            None if hours is None else round(hours, 4),
            on_time,
            missing_late,
            pending,
            is_hm,
        )
        for key, hours, on_time, missing_late, pending, is_hm in rows(
            handmade_published,
            "select interview_interviewer_id, hours_to_submit, is_on_time, is_missing_and_late,"
            " is_pending, is_hiring_manager from fct_scorecards",
        )
    }
    assert got == {
        "50001:902": (24.0, True, False, False, True),  # exactly 24 h: on time
        "50001:903": (24.0003, False, False, False, False),  # 24 h + 1 s: late
        "50002:905": (4.0, True, False, False, True),
        "50002:903": (None, False, True, False, False),
        "50006:902": (0.5, True, False, False, True),
        "50006:901": (72.0, False, False, False, False),
        "50007:904": (15.0, True, False, False, True),
        "50003:904": (None, False, True, False, True),  # deadline 03-31 15:00 passed
        "50003:903": (18.0, True, False, False, False),
        "50004:903": (None, False, False, True, False),  # submitted 04-01: not yet
    }


@pytest.mark.parametrize(
    ("grain", "start", "expected"),
    [
        ("month", "2026-01-01", (6, 5, 3, 2, 1, 0, 0.5)),
        ("month", "2026-02-01", (1, 1, 1, 0, 0, 0, 1.0)),
        ("month", "2026-03-01", (3, 1, 1, 0, 1, 1, 0.5)),
        ("quarter", "2026-01-01", (10, 7, 5, 2, 2, 1, 0.5556)),
    ],
)
def test_scorecard_timeliness_kpi(handmade_published, grain, start, expected):
    *counts, rate = kpi(
        handmade_published,
        "kpi_scorecard_timeliness",
        "scorecards_expected, scorecards_submitted, scorecards_on_time,"
        " scorecards_submitted_late, scorecards_missing_and_late, scorecards_pending, on_time_rate",
        grain,
        start,
    )
    assert (*counts, round(rate, 4)) == expected


def test_jobs_licence_and_intake(handmade_published):
    got = {
        job.removeprefix(GH): rest
        for job, *rest in rows(
            handmade_published,
            "select job_id, licensed_at_open, license_expires_on, days_to_intake,"
            " is_intake_on_time, checklist_complete from fct_jobs_practices",
        )
    }
    assert got == {
        "101": [True, date(2027, 6, 1), 5, True, True],  # day 5: on time
        "102": [False, date(2026, 1, 31), 6, False, False],  # expired the day before; day 6
        "103": [True, date(2028, 1, 10), 3, False, True],  # intake after the first interview
        "104": [True, date(2027, 6, 1), 1, True, True],
        "105": [False, None, None, False, None],  # completed after the open date; no intake
    }


def test_licence_and_intake_kpis(handmade_published):
    def rate(table, columns, grain, start):
        *counts, value = kpi(handmade_published, table, columns, grain, start)
        return (*counts, round(value, 4))

    licence = "jobs_opened, jobs_licensed_at_open, license_coverage"
    assert rate("kpi_license_coverage", licence, "month", "2026-01-01") == (2, 2, 1.0)
    assert rate("kpi_license_coverage", licence, "month", "2026-02-01") == (1, 0, 0.0)
    assert rate("kpi_license_coverage", licence, "quarter", "2026-01-01") == (3, 2, 0.6667)
    assert rate("kpi_license_coverage", licence, "quarter", "2025-10-01") == (1, 0, 0.0)

    intake = "jobs_opened, intakes_held, intakes_on_time, intakes_pending, intake_on_time_rate"
    assert rate("kpi_intake_timeliness", intake, "month", "2026-01-01") == (2, 2, 1, 0, 0.5)
    assert rate("kpi_intake_timeliness", intake, "month", "2026-02-01") == (1, 1, 0, 0, 0.0)
    assert rate("kpi_intake_timeliness", intake, "quarter", "2026-01-01") == (3, 3, 1, 0, 0.3333)
    assert rate("kpi_intake_timeliness", intake, "quarter", "2025-10-01") == (1, 0, 0, 0, 0.0)


def test_licence_coverage_on_the_as_of_date(handmade_published):
    assert rows(
        handmade_published,
        "select department, hiring_managers_with_open_job, hiring_managers_licensed,"
        " license_coverage, as_of_date from kpi_license_coverage_now"
        " where source_system = 'All ATSs' order by department",
    ) == [
        (ALL, 4, 3, 0.75, date(2026, 3, 31)),
        ("Engineering", 2, 2, 1.0, date(2026, 3, 31)),
        ("Sales", 2, 1, 0.5, date(2026, 3, 31)),
    ]


def test_retrospectives_per_fill(handmade_published):
    got = {
        opening.removeprefix(GH): rest
        for opening, *rest in rows(
            handmade_published,
            "select opening_id, days_to_retrospective, is_retrospective_done,"
            " is_retrospective_pending, retro_prev_fill from fct_openings_practices",
        )
    }
    assert got == {
        "6001": [30, True, False, None],  # day 30 counts; no earlier fill
        "1001": [None, False, False, True],  # day 31 (UTC) does not
        "1002": [None, None, True, False],  # window still open on the as-of date
        "2001": [2, True, False, None],
        "5001": [5, True, False, None],  # a job-level retrospective
    }


def test_retrospective_kpi(handmade_published):
    columns = "openings_filled, retrospectives_done, retrospectives_pending, retrospective_rate"
    assert kpi(handmade_published, "kpi_retrospectives", columns, "month", "2026-02-01") == (
        1,
        0,
        0,
        0.0,
    )
    assert kpi(handmade_published, "kpi_retrospectives", columns, "month", "2026-03-01") == (
        2,
        1,
        1,
        1.0,
    )
    assert kpi(handmade_published, "kpi_retrospectives", columns, "quarter", "2026-01-01") == (
        3,
        1,
        1,
        0.5,
    )
