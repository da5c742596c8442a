"""The story the committed demo tells, read from its published marts.

The generator only gives hiring managers different habits; these tests check that
what the warehouse computes from the demo export shows the seed article's story,
with noise (seeds/README.md, "The story it tells"): licensed managers with on-time
intake fill faster, a manager who talks most of the interview gets a lower candidate
NPS, some scorecards are late, the planted fairness flaw is flagged, and small cuts
are suppressed. Bounds are ranges, not exact values: the effects are drawn, and the
point is that they are of a believable size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.statistics import program_effect
from tests.conftest import query

ALL = "All departments"


def effect_row(db: Path, practice: str, outcome: str) -> dict:
    columns = ["n_with", "n_without", "value_with", "value_without", "effect", "ci_low", "ci_high"]
    columns += ["verdict"]
    rows = query(
        db,
        f"select {', '.join(columns)} from fct_program_effect where practice = ? and outcome = ?",
        [practice, outcome],
    )
    assert len(rows) == 1
    return dict(zip(columns, rows[0], strict=True))


def test_practiced_openings_fill_15_to_35_percent_faster_with_an_informative_interval(
    demo_published,
):
    fill = effect_row(demo_published, "licensed_and_intake", "time_to_fill")
    assert min(fill["n_with"], fill["n_without"]) >= 50
    assert fill["verdict"] == program_effect.BETTER
    assert 0.65 <= fill["effect"] <= 0.85
    # informative: excludes no effect, but not trivially far from it
    assert fill["ci_high"] < 1.0
    assert fill["ci_low"] > 0.5


def test_practiced_openings_hire_a_few_points_better(demo_published):
    qoh = effect_row(demo_published, "licensed_and_intake", "quality_of_hire")
    assert min(qoh["n_with"], qoh["n_without"]) >= program_effect.DEFAULT_MIN_N
    assert 0 < qoh["effect"] <= 8


def test_managers_who_talk_most_of_the_interview_have_lower_candidate_nps(demo_published):
    nps = effect_row(demo_published, "talk_share_ok", "candidate_nps")
    assert nps["verdict"] == program_effect.BETTER
    assert 5 <= nps["effect"] <= 40
    # the same seen per manager: quarters whose NPS is shown, pooled by the manager's
    # median talk share over the interviews they took part in
    (talkers, others) = query(
        demo_published,
        """
        with talk as (
            select hiring_manager_id, median(hiring_manager_talk_share) as share
            from fct_interviews
            where hiring_manager_talk_share is not null
            group by hiring_manager_id
        )
        select
            talk.share > 0.5 as talks_most,
            100.0 * (sum(n.promoters_n) - sum(n.detractors_n)) / sum(n.responses_n) as nps
        from kpi_candidate_nps as n
        inner join talk on n.cut_value = talk.hiring_manager_id
        where n.cut_type = 'hiring_manager' and n.period_grain = 'quarter' and not n.is_suppressed
        group by 1
        order by 1 desc
        """,
    )
    assert talkers[0] is True and others[0] is False
    assert others[1] - talkers[1] >= 10


def test_some_scorecards_are_late(demo_published):
    expected, on_time, late, missing = query(
        demo_published,
        "select sum(scorecards_expected), sum(scorecards_on_time),"
        " sum(scorecards_submitted_late), sum(scorecards_missing_and_late)"
        " from kpi_scorecard_timeliness where period_grain = 'month' and department = ?",
        [ALL],
    )[0]
    assert late > 0 and missing > 0
    assert 0.05 <= (late + missing) / expected <= 0.35
    assert on_time / expected >= 0.6


def test_the_planted_screen_flaw_is_flagged_for_women(demo_published):
    # applications.SCREEN_ODDS_FEMALE: the resume screen passes women less often
    rows = query(
        demo_published,
        "select impact_ratio, fisher_p_value, is_flagged, is_suppressed from fct_selection_rates"
        " where transition = 'application_review' and dimension = 'gender'"
        " and group_name = 'Female'",
    )
    assert len(rows) == 1
    ratio, p_value, flagged, suppressed = rows[0]
    assert flagged is True and suppressed is False
    assert 0.6 <= ratio < 0.8
    assert p_value < 0.05


@pytest.mark.parametrize(
    "table, where",
    [
        ("fct_selection_rates", "is_suppressed"),
        ("kpi_candidate_nps", "is_suppressed and cut_type = 'hiring_manager'"),
    ],
)
def test_some_cuts_are_suppressed(demo_published, table, where):
    (count,) = query(demo_published, f"select count(*) from {table} where {where}")[0]
    assert count > 0
