"""Takeaway rules: one deterministic sentence from a chart's frame, or None.

Each is a plain function of the frame the chart plots (and the scope, for
names), so the page caption, the slide's headline and the tests agree. A rule
only reads and compares the values the marts hold; it never computes a metric.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboards import formats
from dashboards.scope import Scope

Takeaway = Callable[[pd.DataFrame, Scope], "str | None"]


def _known(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[frame[column].notna()]


def _month(value: object) -> str:
    return f"{pd.Timestamp(value):%b %Y}"


def _change_words(change: float, show: Callable[[float], str]) -> str:
    """'fell 6 days', 'rose 4 pp', 'held at 42 days'."""
    if change == 0:
        return "held steady"
    return f"{'rose' if change > 0 else 'fell'} {show(abs(change))}"


def _days_amount(value: float) -> str:
    return formats.days(value)


def _points_amount(value: float) -> str:
    return f"{value * 100:.0f} pp"


def monthly_change(
    subject: str,
    value_column: str,
    show: Callable[[float | None], str],
    amount: Callable[[float], str],
) -> Takeaway:
    """'<Subject> fell 6 days to 38 days in Oct 2026 (vs Sep 2026).' over the latest two months."""

    def rule(frame: pd.DataFrame, scope: Scope) -> str | None:
        known = _known(frame, value_column)
        if known.empty:
            return None
        last = known.iloc[-1]
        if len(known) == 1:
            return f"{subject} was {show(float(last[value_column]))} in {_month(last['month'])}."
        before = known.iloc[-2]
        change = float(last[value_column]) - float(before[value_column])
        now = show(float(last[value_column]))
        if change == 0:
            return (
                f"{subject} held at {now} in {_month(last['month'])}"
                f" (same as {_month(before['month'])})."
            )
        return (
            f"{subject} {_change_words(change, amount)} to {now} in {_month(last['month'])}"
            f" (vs {_month(before['month'])})."
        )

    return rule


time_to_hire_trend = monthly_change(
    "Median time to hire", "median_days", formats.days, _days_amount
)
time_to_fill_trend = monthly_change(
    "Median time to fill", "median_days", formats.days, _days_amount
)
offer_acceptance_trend = monthly_change(
    "Offer acceptance", "acceptance_rate", formats.percent, _points_amount
)


def source_of_hire(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The largest source: 'Referral brought 40% of Q4 2026's hires (8 of 20).'"""
    if frame.empty:
        return None
    top = frame.sort_values(["hires_n", "source_name"], ascending=[False, True]).iloc[0]
    total = int(frame["hires_n"].sum())
    return (
        f"{top['source_name']} brought {formats.percent(float(top['share_of_hires']))} of"
        f" {scope.quarter_name}'s hires ({int(top['hires_n'])} of {total})."
    )


def stage_funnel(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The stage fewest move on from: 'Fewest moved on from Onsite: 35% (7 of 20 decided).'"""
    known = _known(frame, "pass_through_rate")
    if known.empty:
        return None
    low = known.sort_values(["pass_through_rate", "canonical_stage_order"]).iloc[0]
    decided = int(low["passed_n"] + low["rejected_n"])
    stage = str(low["canonical_stage"]).replace("_", " ").capitalize()
    sentence = (
        f"Fewest moved on from {stage}: {formats.percent(float(low['pass_through_rate']))}"
        f" ({int(low['passed_n'])} of {decided} decided)."
    )
    waiting = int(frame["in_progress_n"].sum())
    if waiting:
        still = formats.count(waiting, "application is", "applications are")
        sentence += f" {still} still in progress."
    return sentence
