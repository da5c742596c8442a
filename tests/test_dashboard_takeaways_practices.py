"""The Practices pages' takeaway rules on hand-made frames: one deterministic sentence each."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboards import chart_specs, charts, takeaways
from dashboards.scope import ALL_DEPARTMENTS, Scope

Q3 = Scope(department=ALL_DEPARTMENTS, quarter=date(2026, 7, 1), as_of=date(2026, 9, 30))


def rates(*rows: tuple[int, int, int, float | None]) -> pd.DataFrame:
    """(n, yes_n, decided_n, rate) per month from Jul 2026."""
    frame = pd.DataFrame(rows, columns=["n", "yes_n", "decided_n", "rate"])
    frame.insert(0, "month", pd.date_range("2026-07-01", periods=len(rows), freq="MS"))
    return frame


# --- License to Hire program -----------------------------------------------------------------


def test_coverage_reads_the_latest_month_with_its_counts_and_the_change_in_points() -> None:
    frame = rates((5, 2, 5, 0.4), (4, 3, 4, 0.75))
    assert takeaways.license_coverage_trend(frame, Q3) == (
        "License to Hire coverage was 75% in Aug 2026 (3 of 4 jobs opened), up 35 pp from Jul 2026."
    )


def test_a_month_without_a_rate_is_skipped_and_a_single_month_has_no_change() -> None:
    frame = rates((2, 1, 2, 0.5), (3, 0, 0, None))
    assert takeaways.intake_timeliness_trend(frame, Q3) == (
        "Intake on time was 50% in Jul 2026 (1 of 2 jobs decided)."
    )
    assert takeaways.intake_timeliness_trend(rates((1, 0, 0, None)), Q3) is None


def test_retrospectives_falling_and_holding() -> None:
    falling = rates((10, 9, 10, 0.9), (12, 6, 12, 0.5))
    assert takeaways.retrospectives_trend(falling, Q3) == (
        "Retrospectives done was 50% in Aug 2026 (6 of 12 filled openings decided),"
        " down 40 pp from Jul 2026."
    )
    held = rates((4, 2, 4, 0.5), (1, 0, 1, 0.5))
    assert takeaways.retrospectives_trend(held, Q3).endswith(", as in Jul 2026.")


def roles(*managers: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {"job_id": [f"j{i}" for i in range(len(managers))], "hiring_manager_id": managers}
    )


def test_unlicensed_roles_count_the_roles_and_the_managers_to_invite() -> None:
    assert takeaways.unlicensed_roles(roles("m1", "m1", "m2", None), Q3) == (
        "4 open roles have a hiring manager who was not licensed when it opened"
        " (2 hiring managers to invite)."
    )
    assert takeaways.unlicensed_roles(roles("m1"), Q3) == (
        "1 open role has a hiring manager who was not licensed when it opened"
        " (1 hiring manager to invite)."
    )
    assert takeaways.unlicensed_roles(roles(), Q3) is None


def test_license_status_says_never_or_when_the_license_expired() -> None:
    assert charts.license_status(pd.NaT, pd.NaT) == "Never licensed before opening"
    assert charts.license_status(pd.Timestamp("2023-06-24 10:00"), pd.Timestamp("2025-06-24")) == (
        "Expired on 24 Jun 2025"
    )


def effects(*verdicts: str) -> pd.DataFrame:
    return pd.DataFrame({"practice": ["licensed_at_open"] * len(verdicts), "verdict": verdicts})


def test_program_effect_counts_verdicts_and_says_it_is_no_proof() -> None:
    frame = effects(
        "better with the practice",
        "better with the practice",
        "no clear difference",
        "worse with the practice",
        "not enough data",
    )
    assert takeaways.program_effect(frame, Q3) == (
        "Better with the practice in 2 of 5 comparisons, worse in 1; 1 without enough data."
        " A comparison of openings, not proof that the practice caused it."
    )
    assert takeaways.program_effect(effects("no clear difference"), Q3) == (
        "Better with the practice in 0 of 1 comparison, worse in none."
        " A comparison of openings, not proof that the practice caused it."
    )


def test_program_effect_table_shows_the_marts_sentence_and_shades_the_verdict() -> None:
    sentence = (
        "Openings whose manager was licensed at open filled in a median of 31 days vs 44"
        " (ratio 0.70, 95% interval 0.60 to 0.80; 40 vs 30 openings): better with the practice."
    )
    frame = pd.DataFrame(
        {
            "practice": ["licensed_at_open", "licensed_at_open"],
            "outcome": ["time_to_fill", "candidate_nps"],
            "verdict": ["better with the practice", "not enough data"],
            "sentence": [sentence, "Not enough data to compare candidate NPS: 3 openings …"],
        }
    )
    cells = charts.program_effect(frame, "sub").data[0].cells
    assert list(cells.values[0]) == ["<b>Licensed at open</b>", ""]
    assert list(cells.values[1]) == ["Time to fill (median)", "Candidate NPS"]
    assert cells.values[2][0] == sentence  # one wording: the mart's, never re-worded here
    assert list(cells.values[3]) == ["Better with the practice", "Not enough data"]
    assert list(cells.fill.color[3]) == [charts.BETTER_FILL, "#f3f4f6"]


# --- Interviews --------------------------------------------------------------------------------


def teams(*rows: tuple[str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["department", "on_time_rate"])


def test_the_team_with_the_fewest_scorecards_on_time_is_named_beside_the_organization() -> None:
    frame = teams(("All departments", 0.77), ("Sales", 0.72), ("Design", 0.58), ("Data", None))
    assert takeaways.scorecards_by_team(frame, Q3) == (
        "Design interviewers submitted the fewest scorecards on time in Q3 2026: 58%"
        " (organization: 77%)."
    )
    assert takeaways.scorecards_by_team(teams(("All departments", 0.7)), Q3) is None


def test_managers_below_the_organizations_own_scorecard_rate_are_counted() -> None:
    frame = pd.DataFrame(
        {
            "hiring_manager_id": ["a", "b", "c"],
            "scorecard_on_time_rate": [0.5, 0.6, 1.0],
            "org_scorecard_on_time_rate": [0.6, 0.6, 0.6],
        }
    )
    assert takeaways.scorecards_by_manager(frame, Q3) == (
        "1 of 3 hiring managers submitted their own scorecards on time less often than"
        " the organization's 60% in Q3 2026."
    )


def test_late_scorecards_count_who_owes_them_and_the_recent_ones() -> None:
    frame = pd.DataFrame(
        {"interviewer_id": ["u1", "u1", "u2"], "days_since_interview": [2, 30, 31]}
    )
    assert takeaways.late_scorecards(frame, Q3) == (
        "3 scorecards are missing past the SLA, owed by 2 interviewers;"
        " 2 from interviews in the last 30 days."
    )
    assert takeaways.late_scorecards(frame.head(0), Q3) is None


def test_talk_share_is_phrased_as_the_seed_article_does() -> None:
    frame = pd.DataFrame(
        {
            "hiring_manager_talk_share": [0.2, 0.55, 0.851],
            "is_talk_share_flagged": [False, True, True],
        }
    )
    assert takeaways.talk_share_distribution(frame, Q3) == (
        "In 2 of 3 interviews the hiring manager talked above the limit;"
        " the most: Hiring manager spoke 85% of the time."
    )


def ats_rows(*rows: tuple[str, bool, int | None, float | None]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[
            "source_system",
            "reschedules_recorded",
            "interviews_rescheduled",
            "reschedule_rate",
        ],
    )
    return frame.assign(interviews_scheduled=100)


def test_reschedules_not_recorded_are_said_so_never_zero() -> None:
    none = ats_rows(("greenhouse", False, None, None), ("lever", False, None, None))
    assert takeaways.reschedules_by_ats(none, Q3) == (
        "Greenhouse and Lever do not record reschedules (not 0%)."
    )
    mixed = ats_rows(("csv", True, 12, 0.12), ("lever", False, None, None))
    assert takeaways.reschedules_by_ats(mixed, Q3) == (
        "Csv rescheduled 12% of interviews; Lever does not record reschedules (not 0%)."
    )
    figure = charts.reschedules_by_ats(mixed, "sub")
    assert list(figure.data[0].text) == [
        "12%  (12 of 100 interviews)",
        "not recorded (100 interviews scheduled)",
    ]


# --- the specs ---------------------------------------------------------------------------------


PRACTICE_SPECS = [
    "license_coverage_trend",
    "unlicensed_roles",
    "intake_timeliness_trend",
    "retrospectives_trend",
    "program_effect",
    "scorecards_by_team",
    "scorecards_by_manager",
    "late_scorecards",
    "talk_share_distribution",
    "reschedules_by_ats",
]


@pytest.mark.parametrize("spec_id", PRACTICE_SPECS)
def test_every_practice_chart_is_registered_with_a_metric_description(spec_id: str) -> None:
    spec = chart_specs.REGISTRY[spec_id]
    assert spec.metric is not None
    assert spec.empty_reason(Q3).endswith(".")


def test_the_program_effect_says_it_is_held_for_the_whole_organization_only() -> None:
    sales = Scope(department="Sales", quarter=Q3.quarter, as_of=Q3.as_of)
    assert chart_specs.PROGRAM_EFFECT.unsupported_reason(sales) == (
        "not available for one department: the snapshot holds it for the whole organization only."
    )
    assert not chart_specs.PROGRAM_EFFECT.unsupported(Q3)
