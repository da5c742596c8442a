"""Quality of hire and candidate NPS on the hand-made export, against hand computation.

Every expected value is worked out in tests/fixtures/handmade_export/EXPECTED.md,
section "People": as of 2026-03-31 (the shared published snapshot) and as of
2027-06-30, a year later, when the hires' components have become known.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import HANDMADE_EXPORT, query, refresh

ALL = "All departments"
A_YEAR_LATER = "2027-06-30"


@pytest.fixture(scope="module")
def year_later_published(tmp_path_factory) -> Path:
    """The same hand-made export refreshed as of 2027-06-30."""
    warehouse = tmp_path_factory.mktemp("handmade_year_later")
    result = refresh(HANDMADE_EXPORT, warehouse, A_YEAR_LATER)
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    return warehouse / "published.duckdb"


def hire(db: Path, app: int) -> dict:
    columns = [
        "employee_id",
        "is_employee_matched",
        "performance_score",
        "performance_status",
        "retention_score",
        "retention_status",
        "manager_satisfaction_score",
        "manager_satisfaction_status",
        "components_n",
        "quality_of_hire",
        "quality_status",
        "retained_90d",
        "retained_365d",
        "cast(termination_date as varchar)",
        "termination_type",
    ]
    rows = query(
        db,
        f"select {', '.join(columns)} from fct_hires where application_id = ?",
        [f"greenhouse:{app}"],
    )
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


def quality_kpi(db: Path, grain: str, start: str, department: str) -> dict:
    columns = [
        "hires_n",
        "scored_n",
        "quality_of_hire_mean",
        "quality_of_hire_median",
        "performance_mean",
        "performance_n",
        "retention_mean",
        "retention_n",
        "manager_satisfaction_mean",
        "manager_satisfaction_n",
        "retained_90d_n",
        "retention_90d_known_n",
        "retention_90d_rate",
        "censored_n",
    ]
    rows = query(
        db,
        f"""select {", ".join(columns)} from kpi_quality_of_hire
            where period_grain = ? and cast(period_start as varchar) = ? and department = ?
              and source_system = 'All ATSs'""",
        [grain, start, department],
    )
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


def nps(db: Path, grain: str, start: str, cut_type: str, cut_value: str) -> dict:
    columns = [
        "surveys_sent_n",
        "sent_responded_n",
        "responses_n",
        "promoters_n",
        "passives_n",
        "detractors_n",
        "nps",
        "response_rate",
        "is_suppressed",
        "is_complementary_suppressed",
    ]
    rows = query(
        db,
        f"""select {", ".join(columns)} from kpi_candidate_nps
            where period_grain = ? and cast(period_start as varchar) = ?
              and cut_type = ? and cut_value = ?""",
        [grain, start, cut_type, cut_value],
    )
    assert len(rows) == 1, rows
    return dict(zip(columns, rows[0], strict=True))


# -- quality of hire, as of 2026-03-31: a young cohort is censored, not bad ----------


def test_young_hire_with_one_component_has_no_quality_of_hire(handmade_published):
    h = hire(handmade_published, 3001)
    assert h["manager_satisfaction_score"] == 100.0  # rated 5 on 03-20
    assert (h["performance_status"], h["retention_status"]) == ("not yet due", "censored")
    assert (h["components_n"], h["quality_of_hire"], h["quality_status"]) == (1, None, "censored")


def test_termination_after_the_as_of_date_has_not_happened(handmade_published):
    h = hire(handmade_published, 3009)
    assert (h["cast(termination_date as varchar)"], h["termination_type"]) == (None, None)
    assert h["retained_90d"] is None  # 15 days since the start


@pytest.mark.parametrize("app", [3013, 3014])
def test_hire_without_employment_record_is_kept_and_flagged(handmade_published, app):
    h = hire(handmade_published, app)
    assert (h["employee_id"], h["is_employee_matched"]) == (None, False)
    assert h["retention_status"] == "no employment record"
    assert h["quality_status"] == "not enough components"


def test_quality_kpi_reports_the_young_cohort_as_censored(handmade_published):
    kpi = quality_kpi(handmade_published, "month", "2026-03-01", ALL)
    assert kpi == {
        "hires_n": 3,
        "scored_n": 0,
        "quality_of_hire_mean": None,
        "quality_of_hire_median": None,
        "performance_mean": None,
        "performance_n": 0,
        "retention_mean": None,
        "retention_n": 0,
        "manager_satisfaction_mean": 100.0,
        "manager_satisfaction_n": 1,
        "retained_90d_n": 0,
        "retention_90d_known_n": 0,
        "retention_90d_rate": None,
        "censored_n": 3,
    }
    # 3002 and 3005 start 2026-04-01, after the as-of date: in no cohort yet
    assert query(
        handmade_published,
        "select count(*) from kpi_quality_of_hire where period_start > date '2026-03-31'",
    ) == [(0,)]


# -- quality of hire, as of 2027-06-30 ----------------------------------------------


@pytest.mark.parametrize(
    ("app", "performance", "retention", "manager", "quality"),
    [
        (3001, 75.0, 100.0, 100.0, 90.0),  # the day-89 rating is ignored, day 90 counts
        (3002, 62.5, 100.0, 75.0, 77.5),
        (3005, 25.0, 100.0, 25.0, 47.5),  # rated on day 400: counts
        (3011, 80.0, 100.0, 50.0, 77.0),  # 0-100 scale; the later rating is not the first
    ],
)
def test_quality_of_hire_per_hire(
    year_later_published, app, performance, retention, manager, quality
):
    h = hire(year_later_published, app)
    assert h["performance_score"] == pytest.approx(performance)
    assert h["retention_score"] == retention
    assert h["manager_satisfaction_score"] == pytest.approx(manager)
    assert h["components_n"] == 3
    assert h["quality_of_hire"] == pytest.approx(quality)
    assert h["quality_status"] == "scored"
    assert (h["retained_90d"], h["retained_365d"]) == (True, True)


def test_early_leaver_scores_retention_zero_and_alone_no_quality(year_later_published):
    h = hire(year_later_published, 3009)
    assert h["cast(termination_date as varchar)"] == "2026-05-01"
    assert h["termination_type"] == "voluntary"
    assert (h["retention_score"], h["retained_90d"], h["retained_365d"]) == (0.0, False, False)
    assert (h["performance_status"], h["manager_satisfaction_status"]) == ("no review", "no survey")
    assert (h["components_n"], h["quality_of_hire"]) == (1, None)
    assert h["quality_status"] == "not enough components"


def test_quality_kpi_by_start_cohort(year_later_published):
    march = quality_kpi(year_later_published, "month", "2026-03-01", ALL)
    assert (march["hires_n"], march["scored_n"], march["censored_n"]) == (3, 2, 0)
    assert march["quality_of_hire_mean"] == pytest.approx(83.5)
    assert march["quality_of_hire_median"] == pytest.approx(83.5)
    assert (march["performance_mean"], march["performance_n"]) == (pytest.approx(77.5), 2)
    assert (march["retention_mean"], march["retention_n"]) == (pytest.approx(200 / 3), 3)
    assert (march["manager_satisfaction_mean"], march["manager_satisfaction_n"]) == (75.0, 2)
    assert (march["retained_90d_n"], march["retention_90d_known_n"]) == (2, 3)
    assert march["retention_90d_rate"] == pytest.approx(2 / 3)

    april = quality_kpi(year_later_published, "month", "2026-04-01", ALL)
    assert (april["hires_n"], april["scored_n"]) == (2, 2)
    assert april["quality_of_hire_mean"] == pytest.approx(62.5)
    assert april["performance_mean"] == pytest.approx(43.75)
    assert april["manager_satisfaction_mean"] == pytest.approx(50.0)
    assert april["retention_90d_rate"] == 1.0

    sales = quality_kpi(year_later_published, "month", "2026-03-01", "Sales")
    assert (sales["scored_n"], sales["quality_of_hire_mean"]) == (1, pytest.approx(77.0))
    assert sales["retention_90d_rate"] == 0.5


# -- candidate NPS, as of 2026-03-31 -------------------------------------------------


def test_nps_overall_with_response_rate_by_sent_month(handmade_published):
    march = nps(handmade_published, "month", "2026-03-01", "all", "All")
    assert march == {
        "surveys_sent_n": 12,
        "sent_responded_n": 8,
        "responses_n": 10,
        "promoters_n": 6,
        "passives_n": 2,
        "detractors_n": 2,
        "nps": 40.0,
        "response_rate": pytest.approx(8 / 12),
        "is_suppressed": False,
        "is_complementary_suppressed": False,
    }
    quarter = nps(handmade_published, "quarter", "2026-01-01", "all", "All")
    assert (quarter["responses_n"], quarter["promoters_n"], quarter["detractors_n"]) == (11, 7, 2)
    assert quarter["nps"] == pytest.approx(500 / 11)
    assert quarter["response_rate"] == pytest.approx(11 / 15)


def test_a_period_under_the_minimum_shows_no_nps(handmade_published):
    february = nps(handmade_published, "month", "2026-02-01", "all", "All")
    assert (february["responses_n"], february["is_suppressed"], february["nps"]) == (1, True, None)
    assert february["response_rate"] == 1.0


def test_group_of_4_suppressed_and_its_complementary_cell(handmade_published):
    engineering = nps(handmade_published, "month", "2026-03-01", "department", "Engineering")
    sales = nps(handmade_published, "month", "2026-03-01", "department", "Sales")
    assert (engineering["responses_n"], engineering["is_suppressed"]) == (4, True)
    assert engineering["is_complementary_suppressed"] is False
    # Sales (6) would be the 'all' row (10) minus Engineering: suppressed too
    assert (sales["responses_n"], sales["is_suppressed"], sales["is_complementary_suppressed"]) == (
        6,
        True,
        True,
    )
    for cell in (engineering, sales):
        assert [cell[k] for k in ("promoters_n", "passives_n", "detractors_n", "nps")] == [None] * 4


def test_nps_by_outcome_three_small_cells_need_no_complement(handmade_published):
    hired = nps(handmade_published, "month", "2026-03-01", "outcome", "hired")
    assert (hired["responses_n"], hired["nps"], hired["is_suppressed"]) == (5, 80.0, False)
    for outcome, n in [("withdrew", 2), ("active", 2), ("rejected", 1)]:
        cell = nps(handmade_published, "month", "2026-03-01", "outcome", outcome)
        assert (cell["responses_n"], cell["is_suppressed"], cell["nps"]) == (n, True, None)
        assert cell["is_complementary_suppressed"] is False


def test_published_snapshot_holds_no_survey_value_under_the_minimum(handmade_published):
    leaks = query(
        handmade_published,
        """select count(*) from kpi_candidate_nps
           where (responses_n < 5 or is_suppressed)
             and coalesce(nps, promoters_n, passives_n, detractors_n) is not null""",
    )
    assert leaks == [(0,)]
    tables = {
        t for (t,) in query(handmade_published, "select table_name from information_schema.tables")
    }
    assert "fct_candidate_survey_responses" not in tables  # row-level answers stay in the warehouse


def test_survey_rows_in_the_warehouse(handmade_published):
    warehouse = handmade_published.parent / "warehouse.duckdb"
    rows = dict(
        (survey, (responded, score, category, date))
        for survey, responded, score, category, date in query(
            warehouse,
            """select survey_id, is_responded, score, nps_category, cast(response_date as varchar)
               from marts_restricted.fct_candidate_survey_responses""",
        )
    )
    assert len(rows) == 15  # CS15 was sent after the as-of date
    assert sum(responded for responded, *_ in rows.values()) == 11
    assert rows["CS05"] == (False, None, None, None)  # never answered
    assert rows["CS06"] == (False, None, None, None)  # answered 04-02, after the as-of date
    assert rows["CS16"] == (False, None, None, None)  # 03-31 20:00 -08:00 = 04-01 UTC
    assert rows["CS10"] == (True, 9, "promoter", "2026-02-23")
    assert rows["CS11"] == (True, 7, "passive", "2026-03-01")
    assert rows["CS03"] == (True, 4, "detractor", "2026-03-03")
