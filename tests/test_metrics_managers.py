"""Manager hiring impact (docs/metrics.md) on the hand-made export.

Every expected value is worked out in tests/fixtures/handmade_export/EXPECTED.md
("Manager hiring impact"); the published snapshot comes from a real refresh
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


GH = "greenhouse:"
Q1 = date(2026, 1, 1)
Q4 = date(2025, 10, 1)


def per_manager(db, columns: str, quarter: date) -> dict[str, tuple]:
    """{manager id without prefix: (columns...)} for one quarter, floats rounded to 4 places."""
    return {
        manager.removeprefix(GH): tuple(round(v, 4) if isinstance(v, float) else v for v in rest)
        for manager, *rest in query(
            db,
            f"select hiring_manager_id, {columns} from fct_manager_hiring_impact"
            " where quarter_start = ?",
            [quarter],
        )
    }


def org_values(db, columns: str, quarter: date) -> tuple:
    """The organization's value beside every manager of the quarter: one distinct tuple."""
    values = {
        tuple(round(v, 4) if isinstance(v, float) else v for v in row)
        for row in query(
            db,
            f"select {columns} from fct_manager_hiring_impact where quarter_start = ?",
            [quarter],
        )
    }
    assert len(values) == 1, values
    return values.pop()


def test_one_row_per_manager_and_quarter_with_an_event(handmade_published):
    rows = query(
        handmade_published,
        "select hiring_manager_id, quarter_start from fct_manager_hiring_impact",
    )
    # 901's only 2026 events: a scorecard on 902's job, a survey without a response
    assert sorted((m.removeprefix(GH), q) for m, q in rows) == [
        ("901", Q4),
        ("902", Q4),
        ("902", Q1),
        ("904", Q1),
        ("905", Q1),
    ]


def test_hires_and_speed_per_manager_beside_the_organization(handmade_published):
    assert per_manager(
        handmade_published,
        "hires_n, time_to_hire_median_days, time_to_hire_n,"
        " time_to_fill_median_days, time_to_fill_n",
        Q1,
    ) == {
        "902": (2, 41.0, 2, 49.0, 2),
        "904": (1, 35.0, 1, 37.0, 1),
        "905": (2, 27.0, 2, None, 0),  # its only fill is on an evergreen job
    }
    assert org_values(
        handmade_published,
        "org_hires_n, org_time_to_hire_median_days, org_time_to_hire_n,"
        " org_time_to_fill_median_days, org_time_to_fill_n",
        Q1,
    ) == (5, 35.0, 5, 39.0, 3)


def test_quality_of_hire_cohort_is_young_not_bad(handmade_published):
    assert per_manager(
        handmade_published,
        "quality_of_hire_mean, quality_of_hire_n, quality_of_hire_cohort_n,"
        " quality_of_hire_censored_n",
        Q1,
    ) == {
        "902": (None, 0, 1, 1),
        "904": (None, 0, 0, 0),  # 3005 starts 04-01, after the quarter
        "905": (None, 0, 2, 2),
    }
    assert org_values(
        handmade_published, "org_quality_of_hire_mean, org_quality_of_hire_n", Q1
    ) == (None, 0)


def test_rates_carry_numerator_and_denominator(handmade_published):
    assert per_manager(
        handmade_published,
        "offers_accepted_n, offers_decided_n, offer_acceptance_rate,"
        " scorecards_on_time_n, scorecards_decided_n, scorecard_on_time_rate",
        Q1,
    ) == {
        "902": (2, 2, 1.0, 2, 2, 1.0),
        "904": (1, 2, 0.5, 1, 2, 0.5),  # 3008's pending offer left out
        "905": (1, 1, 1.0, 1, 1, 1.0),
    }
    # scorecards: every hiring manager's own (all interviewers' would be 5/9)
    assert org_values(
        handmade_published,
        "org_offers_accepted_n, org_offers_decided_n, org_offer_acceptance_rate,"
        " org_scorecards_on_time_n, org_scorecards_decided_n, org_scorecard_on_time_rate",
        Q1,
    ) == (4, 5, 0.8, 4, 5, 0.8)


def test_practices_per_manager_beside_the_organization(handmade_published):
    assert per_manager(
        handmade_published,
        "intakes_on_time_n, intakes_decided_n, intake_on_time_rate,"
        " jobs_licensed_at_open_n, jobs_opened_n, licensed_at_open_rate,"
        " talk_share_median, talk_share_n,"
        " retrospectives_done_n, retrospectives_decided_n, retrospective_rate",
        Q1,
    ) == {
        "902": (1, 1, 1.0, 1, 1, 1.0, 0.4, 2, 0, 1, 0.0),  # 1002's retrospective pending
        "904": (0, 1, 0.0, 0, 1, 0.0, 0.75, 1, 1, 1, 1.0),
        "905": (0, 1, 0.0, 1, 1, 1.0, 0.6667, 1, 0, 0, None),  # evergreen fill left out
    }
    assert org_values(
        handmade_published,
        "org_intakes_on_time_n, org_intakes_decided_n, org_intake_on_time_rate,"
        " org_jobs_licensed_at_open_n, org_jobs_opened_n, org_licensed_at_open_rate,"
        " org_talk_share_median, org_talk_share_n,"
        " org_retrospectives_done_n, org_retrospectives_decided_n, org_retrospective_rate",
        Q1,
    ) == (1, 3, 0.3333, 2, 3, 0.6667, 0.5833, 4, 1, 2, 0.5)


def test_manager_nps_cells_under_the_minimum_are_hidden(handmade_published):
    assert per_manager(
        handmade_published,
        "nps_responses_n, nps, nps_is_suppressed, nps_is_complementary_suppressed",
        Q1,
    ) == {
        "902": (4, None, True, False),
        "904": (4, None, True, False),
        "905": (3, None, True, False),
    }
    assert org_values(
        handmade_published, "org_nps_responses_n, org_nps, org_nps_is_suppressed", Q1
    ) == (11, 45.4545, False)


def test_manager_nps_cells_match_the_nps_kpi_cut(handmade_published):
    """Both tables hide the same cells, so neither reveals what the other hides."""
    kpi = {
        cut_value.removeprefix(GH): (n, is_suppressed)
        for cut_value, n, is_suppressed in query(
            handmade_published,
            "select cut_value, responses_n, is_suppressed from kpi_candidate_nps"
            " where period_grain = 'quarter' and period_start = ? and cut_type = 'hiring_manager'"
            " and responses_n > 0",
            [Q1],
        )
    }
    assert per_manager(handmade_published, "nps_responses_n, nps_is_suppressed", Q1) == kpi


def test_percentile_ranks_with_ties_and_the_composite_index(handmade_published):
    assert per_manager(
        handmade_published,
        "time_to_hire_percentile_rank, time_to_fill_percentile_rank,"
        " quality_of_hire_percentile_rank, nps_percentile_rank,"
        " offer_acceptance_percentile_rank, scorecard_on_time_percentile_rank,"
        " intake_on_time_percentile_rank, licensed_at_open_percentile_rank,"
        " talk_share_percentile_rank, retrospective_percentile_rank,"
        " composite_components_n, composite_percentile_index",
        Q1,
    ) == {
        "902": (0.0, 0.0, None, None, 0.5, 0.5, 1.0, 0.5, 1.0, 0.0, 8, 43.75),
        "904": (0.5, 1.0, None, None, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 8, 31.25),
        "905": (1.0, None, None, None, 0.5, 0.5, 0.0, 0.5, 0.5, None, 6, 50.0),
    }


def test_2025_q4_template_hire_counts_and_lone_managers_are_not_ranked(handmade_published):
    assert per_manager(
        handmade_published,
        "hires_n, time_to_hire_median_days, offers_decided_n, offer_acceptance_rate,"
        " jobs_opened_n, licensed_at_open_rate, intake_on_time_rate, time_to_fill_n,"
        " retrospectives_decided_n, composite_components_n, composite_percentile_index",
        Q4,
    ) == {
        "901": (0, None, 0, None, 1, 0.0, 0.0, 0, 0, 0, None),
        "902": (1, 38.0, 1, 1.0, 0, None, None, 0, 0, 0, None),
    }
    assert org_values(
        handmade_published,
        "org_hires_n, org_time_to_hire_median_days, org_offer_acceptance_rate,"
        " org_jobs_opened_n, org_licensed_at_open_rate, org_intake_on_time_rate,"
        " org_time_to_fill_n, org_nps_responses_n, org_nps_is_suppressed",
        Q4,
    ) == (1, 38.0, 1.0, 1, 0.0, 0.0, 0, 0, True)


def test_the_mart_is_published_without_candidate_identifiers(handmade_published):
    columns = {
        name
        for (name,) in query(
            handmade_published,
            "select column_name from duckdb_columns()"
            " where schema_name = 'main' and table_name = 'fct_manager_hiring_impact'",
        )
    }
    assert {"hiring_manager_id", "quarter_start", "composite_percentile_index"} <= columns
    assert not columns & {"candidate_id", "candidate_key", "application_id", "email", "name"}


def test_organization_values_are_the_kpi_tables_org_rows(handmade_published):
    """Beside each manager, the same number the org-wide KPI tiles show for the quarter."""

    def kpi(table: str, columns: str, extra: str = "") -> tuple:
        (row,) = query(
            handmade_published,
            f"select {columns} from {table} where period_grain = 'quarter'"
            f" and period_start = ? and department = 'All departments'{extra}",
            [Q1],
        )
        return tuple(round(v, 4) if isinstance(v, float) else v for v in row)

    all_atss = " and source_system = 'All ATSs'"
    assert org_values(
        handmade_published,
        "org_time_to_hire_median_days, org_time_to_hire_n, org_time_to_fill_median_days,"
        " org_time_to_fill_n, org_offer_acceptance_rate, org_offers_accepted_n",
        Q1,
    ) == (
        *kpi("kpi_time_to_hire", "median_days, hires_n", all_atss),
        *kpi("kpi_time_to_fill", "median_days, openings_filled_n", all_atss),
        *kpi("kpi_offer_acceptance", "acceptance_rate, offers_accepted", all_atss),
    )
    assert org_values(
        handmade_published,
        "org_intake_on_time_rate, org_licensed_at_open_rate, org_talk_share_median,"
        " org_retrospective_rate",
        Q1,
    ) == (
        *kpi("kpi_intake_timeliness", "intake_on_time_rate", all_atss),
        *kpi("kpi_license_coverage", "license_coverage", all_atss),
        *kpi("kpi_talk_share", "median_hiring_manager_talk_share", all_atss),
        *kpi("kpi_retrospectives", "retrospective_rate", all_atss),
    )
    (nps_all,) = query(
        handmade_published,
        "select round(nps, 4), responses_n from kpi_candidate_nps where period_grain = 'quarter'"
        " and period_start = ? and cut_type = 'all'",
        [Q1],
    )
    assert org_values(handmade_published, "org_nps, org_nps_responses_n", Q1) == nps_all


def test_hiring_managers_are_shown_by_their_name_in_the_users_export(handmade_published):
    rows = query(
        handmade_published,
        "select user_id, source_system, display_name, is_hiring_manager from dim_users",
    )
    # Named as users.json names them; the hiring managers are those of the jobs' teams.
    assert sorted(rows) == [
        (f"{GH}901", "greenhouse", "Hal Marsh", True),
        (f"{GH}902", "greenhouse", "Ines Duarte", True),
        (f"{GH}903", "greenhouse", "Rae Kim", False),
        (f"{GH}904", "greenhouse", "Omar Reyes", True),
        (f"{GH}905", "greenhouse", "Lena Vogt", True),
    ]
