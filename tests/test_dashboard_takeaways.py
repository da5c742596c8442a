"""Takeaway rules and chart specs on hand-made frames: one deterministic sentence each."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboards import chart_specs, formats, takeaways
from dashboards.scope import ALL_DEPARTMENTS, ALL_MANAGERS, Scope

Q3 = Scope(department=ALL_DEPARTMENTS, quarter=date(2026, 7, 1), as_of=date(2026, 9, 30))


def months(*values: float | None, column: str = "median_days") -> pd.DataFrame:
    starts = pd.date_range("2026-07-01", periods=len(values), freq="MS")
    return pd.DataFrame({"month": starts, column: values})


def test_time_to_hire_falling_is_said_in_days_against_the_month_before() -> None:
    assert (
        takeaways.time_to_hire_trend(months(44.0, 42.0, 36.0), Q3)
        == "Median time to hire fell 6 days to 36 days in Sep 2026 (vs Aug 2026)."
    )


def test_a_month_without_a_value_is_skipped_not_read_as_zero() -> None:
    assert (
        takeaways.time_to_fill_trend(months(30.0, 40.5, None), Q3)
        == "Median time to fill rose 10.5 days to 40.5 days in Aug 2026 (vs Jul 2026)."
    )
    assert takeaways.time_to_fill_trend(months(None, None), Q3) is None


def test_an_unchanged_value_holds_steady() -> None:
    assert (
        takeaways.time_to_hire_trend(months(12.0, 12.0), Q3)
        == "Median time to hire held at 12 days in Aug 2026 (same as Jul 2026)."
    )


def test_offer_acceptance_changes_in_percentage_points() -> None:
    frame = months(0.8, 0.85, column="acceptance_rate")
    assert (
        takeaways.offer_acceptance_trend(frame, Q3)
        == "Offer acceptance rose 5 pp to 85% in Aug 2026 (vs Jul 2026)."
    )


def test_source_of_hire_names_the_largest_source_with_its_count() -> None:
    frame = pd.DataFrame(
        {"source_name": ["Referral", "LinkedIn"], "hires_n": [2, 3], "share_of_hires": [0.4, 0.6]}
    )
    assert (
        takeaways.source_of_hire(frame, Q3) == "LinkedIn brought 60% of Q3 2026's hires (3 of 5)."
    )


def test_funnel_names_the_stage_fewest_move_on_from_and_those_waiting() -> None:
    frame = pd.DataFrame(
        {
            "canonical_stage": ["recruiter_screen", "onsite", "offer"],
            "canonical_stage_order": [2, 5, 6],
            "passed_n": [15, 7, 8],
            "rejected_n": [5, 13, 1],
            "in_progress_n": [1, 0, 0],
            "pass_through_rate": [0.75, 0.35, 8 / 9],
        }
    )
    assert takeaways.stage_funnel(frame, Q3) == (
        "Fewest moved on from Onsite: 35% (7 of 20 decided). 1 application is still in progress."
    )


def test_candidate_nps_moves_in_points_and_says_how_many_groups_are_too_small() -> None:
    trend = months(-20.0, -8.0, column="nps")
    assert (
        takeaways.candidate_nps_trend(trend, Q3)
        == "Candidate NPS rose 12 points to -8 in Aug 2026 (vs Jul 2026)."
    )
    groups = pd.DataFrame(
        {
            "cut_value": ["hired", "rejected", "withdrew"],
            "responses_n": [4, 21, 9],
            "nps": [None, -28.6, 11.1],
            "is_suppressed": [True, False, False],
        }
    )
    assert (
        takeaways.candidate_nps_by_group(groups, Q3)
        == "Lowest: Rejected at -29 (21 responses). 1 group is too small to show."
    )


def test_young_cohorts_are_called_censored_not_low() -> None:
    frame = pd.DataFrame(
        {
            "quarter": pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"]),
            "quality_of_hire_mean": [61.2, None, None],
            "scored_n": [10, 0, 0],
            "censored_n": [2, 11, 24],
        }
    )
    assert takeaways.quality_by_cohort(frame, Q3) == (
        "Hires who started in Q1 2026 score 61 / 100 (10 scored)."
        " 35 later hires are still censored: too early to score, not low."
    )


def test_manager_impact_counts_who_hires_faster_than_the_organization() -> None:
    frame = pd.DataFrame(
        {
            "time_to_hire_median_days": [20.0, 30.0, None, 26.5],
            "org_time_to_hire_median_days": [26.5] * 4,
        }
    )
    assert takeaways.manager_impact(frame, Q3) == (
        "In Q3 2026, 1 of 3 hiring managers with hires hired faster than the"
        " organization's median time to hire (26.5 days)."
    )


def test_suppressed_cells_say_fewer_than_the_snapshots_minimum() -> None:
    assert formats.fewer_than(5, "responses") == "fewer than 5 responses"
    assert formats.fewer_than(7, "responses") == "fewer than 7 responses"
    assert formats.fewer_than(None, "responses") == (
        "fewer than the minimum group size of responses"
    )


# --- the registry -----------------------------------------------------------------------------


def test_every_chart_is_described_once_with_everything_a_page_and_a_slide_need() -> None:
    assert len(chart_specs.REGISTRY) == len({s.title for s in chart_specs.REGISTRY.values()})
    for spec in chart_specs.REGISTRY.values():
        assert spec.title and spec.metric, spec.id
        assert spec.empty_reason(Q3).endswith("."), spec.id
    with pytest.raises(ValueError, match="described twice"):
        chart_specs.register(chart_specs.SOURCE_OF_HIRE)


def test_a_chart_not_cut_by_a_chosen_filter_says_so_instead_of_showing_other_numbers() -> None:
    one_manager = Scope(ALL_DEPARTMENTS, date(2026, 7, 1), hiring_manager="greenhouse:1")
    assert chart_specs.TIME_TO_HIRE_TREND.unsupported(one_manager) == {"manager"}
    assert chart_specs.TIME_TO_HIRE_TREND.unsupported_reason(one_manager).startswith(
        "not available for one hiring manager: the snapshot holds it by department and ATS only."
    )
    assert not chart_specs.OPEN_OPENINGS_BY_AGE.unsupported(one_manager)
    assert not chart_specs.TIME_TO_HIRE_TREND.unsupported(Q3)
    assert Q3.hiring_manager == ALL_MANAGERS


def test_time_in_stage_names_the_slowest_stage_with_its_spread_and_count() -> None:
    frame = pd.DataFrame(
        {
            "canonical_stage": ["recruiter_screen", "onsite", "offer"],
            "canonical_stage_order": [2, 5, 6],
            "stays_n": [707, 367, 1],
            "median_days": [4.0, 6.0, 6.0],
            "p75_days": [6.0, 9.0, 6.0],
        }
    )
    assert (
        takeaways.time_in_stage(frame, Q3)
        == "Onsite takes longest: a median of 6 days (75th percentile 9 days), over 367 stays."
    )
    assert takeaways.time_in_stage(frame.iloc[0:0], Q3) is None
