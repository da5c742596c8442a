"""Takeaway rules: one deterministic sentence from a chart's frame, or None.

Each is a plain function of the frame the chart plots (and the scope, for
names), so the page caption, the slide's headline and the tests agree. A rule
only reads and compares the values the marts hold; it never computes a metric.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboards import formats
from dashboards.charts import talk_share_phrase  # the seed article's phrasing, defined once
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


def time_in_stage(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'Onsite takes longest: a median of 6 days (75th percentile 9 days), over 367 stays.'"""
    known = frame.dropna(subset=["median_days"])
    if known.empty:
        return None
    top = known.sort_values(
        ["median_days", "p75_days", "canonical_stage_order"], ascending=[False, False, True]
    ).iloc[0]
    stage = str(top["canonical_stage"]).replace("_", " ").capitalize()
    stays = formats.count(int(top["stays_n"]), "stay", "stays")
    return (
        f"{stage} takes longest: a median of {formats.days(top['median_days'])}"
        f" (75th percentile {formats.days(top['p75_days'])}), over {stays}."
    )


def stage_aging(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'7 applications have waited over 30 days, most of them in Onsite (4).'"""
    if frame.empty:
        return None
    old = frame[frame["age_band_order"] >= 3]
    total = int(frame["open_stays_n"].sum())
    if old.empty:
        waiting = formats.count(total, "open application", "open applications")
        return f"All {waiting} entered their stage within the last 30 days."
    by_stage = old.groupby(["canonical_stage_order", "canonical_stage"], as_index=False)[
        "open_stays_n"
    ].sum()
    top = by_stage.sort_values(
        ["open_stays_n", "canonical_stage_order"], ascending=[False, True]
    ).iloc[0]
    waited = int(old["open_stays_n"].sum())
    stage = str(top["canonical_stage"]).replace("_", " ").capitalize()
    have = "has" if waited == 1 else "have"
    return (
        f"{waited} of {formats.count(total, 'open application', 'open applications')} {have}"
        f" waited over 30 days in their stage, most of them in {stage}"
        f" ({int(top['open_stays_n'])})."
    )


def _slowest_department(subject: str) -> Takeaway:
    def rule(frame: pd.DataFrame, scope: Scope) -> str | None:
        known = _known(frame, "median_days")
        org = known[known["department"] == "All departments"]
        departments = known[known["department"] != "All departments"]
        if departments.empty:
            return None
        slowest = departments.sort_values(
            ["median_days", "department"], ascending=[False, True]
        ).iloc[0]
        sentence = (
            f"{slowest['department']} had the longest median {subject} in {scope.quarter_name}:"
            f" {formats.days(float(slowest['median_days']))}"
        )
        if not org.empty:
            sentence += f" (organization: {formats.days(float(org.iloc[0]['median_days']))})"
        return sentence + "."

    return rule


time_to_hire_by_department = _slowest_department("time to hire")
time_to_fill_by_department = _slowest_department("time to fill")

SOURCE_MIN_EVENTS = 5  # a source's median over fewer events is not a headline


def _fastest_source(subject: str, counted: tuple[str, str]) -> Takeaway:
    def rule(frame: pd.DataFrame, scope: Scope) -> str | None:
        known = _known(frame, "median_days")
        known = known[known["events_n"] >= SOURCE_MIN_EVENTS]
        if len(known) < 2:
            return None
        ranked = known.sort_values(["median_days", "source_name"])
        fast, slow = ranked.iloc[0], ranked.iloc[-1]
        return (
            f"Among sources with at least {SOURCE_MIN_EVENTS} {counted[1]} in"
            f" {scope.quarter_name}, {fast['source_name']} had the shortest median {subject}"
            f" ({formats.days(float(fast['median_days']))},"
            f" {formats.count(int(fast['events_n']), *counted)}) and {slow['source_name']} the"
            f" longest ({formats.days(float(slow['median_days']))})."
        )

    return rule


time_to_hire_by_source = _fastest_source("time to hire", ("hire", "hires"))
time_to_fill_by_source = _fastest_source("time to fill", ("opening filled", "openings filled"))


def open_openings_by_age(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'10 openings are open; the oldest, Account Executive (Sales), for 120 days.'"""
    if frame.empty:
        return None
    oldest = frame.sort_values(["open_age_days", "job_name"], ascending=[False, True]).iloc[0]
    n = len(frame)
    return (
        f"{formats.count(n, 'opening is', 'openings are')} open; the oldest,"
        f" {oldest['job_name']} ({oldest['department']}), for"
        f" {formats.days(float(oldest['open_age_days']))}."
    )


def declined_offer_reasons(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'Compensation was the most frequent reason (5 of 9 declined offers).'"""
    if frame.empty:
        return None
    top = frame.sort_values(["offers_declined", "reason"], ascending=[False, True]).iloc[0]
    total = int(frame["offers_declined"].sum())
    declined = formats.count(total, "declined offer", "declined offers")
    return (
        f"{top['reason']} was the most frequent reason"
        f" ({int(top['offers_declined'])} of {declined})."
    )


def _quarter_name(value: object) -> str:
    day = pd.Timestamp(value)
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def quality_by_cohort(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The latest scored cohort, and how many hires after it are still censored."""
    scored = _known(frame, "quality_of_hire_mean")
    if scored.empty:
        return None
    last = scored.iloc[-1]
    sentence = (
        f"Hires who started in {_quarter_name(last['quarter'])} score"
        f" {float(last['quality_of_hire_mean']):.0f} / 100 ({int(last['scored_n'])} scored)."
    )
    later = frame[pd.to_datetime(frame["quarter"]) > pd.Timestamp(last["quarter"])]
    waiting = int(later["censored_n"].sum())
    if waiting:
        sentence += (
            f" {formats.count(waiting, 'later hire is', 'later hires are')} still censored:"
            " too early to score, not low."
        )
    return sentence


def quality_by_department(frame: pd.DataFrame, scope: Scope) -> str | None:
    departments = _known(frame[frame["department"] != "All departments"], "quality_of_hire_mean")
    if departments.empty:
        return None
    best = departments.sort_values(
        ["quality_of_hire_mean", "department"], ascending=[False, True]
    ).iloc[0]
    return (
        f"{best['department']} hires who started in {scope.quarter_name} score highest:"
        f" {float(best['quality_of_hire_mean']):.0f} / 100 ({int(best['scored_n'])} scored)."
    )


def retention_by_cohort(frame: pd.DataFrame, scope: Scope) -> str | None:
    known = _known(frame, "retention_90d_rate")
    if known.empty:
        return None
    last = known.iloc[-1]
    return (
        f"{formats.percent(float(last['retention_90d_rate']))} of the"
        f" {_quarter_name(last['quarter'])} starters whose first 90 days are over stayed"
        f" ({int(last['retained_90d_n'])} of {int(last['retention_90d_known_n'])})."
    )


def censored_by_cohort(frame: pd.DataFrame, scope: Scope) -> str | None:
    if frame.empty:
        return None
    censored, hires = int(frame["censored_n"].sum()), int(frame["hires_n"].sum())
    if not censored:
        return f"Every one of the {formats.count(hires, 'hire', 'hires')} shown has a final status."
    return (
        f"{censored} of {formats.count(hires, 'hire', 'hires')} shown are still censored:"
        " their score can still become known, so read young cohorts as young, not bad."
    )


def quality_distribution(frame: pd.DataFrame, scope: Scope) -> str | None:
    if frame.empty:
        return None
    low = int((frame["quality_of_hire"] < 50).sum())
    return (
        f"{low} of {formats.count(len(frame), 'scored hire', 'scored hires')} score below 50 / 100."
    )


def candidate_nps_trend(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'Candidate NPS rose 12 points to -15 in Oct 2026 (vs Sep 2026).' over shown months."""
    known = _known(frame, "nps")
    if known.empty:
        return None
    last = known.iloc[-1]
    now = formats.nps(float(last["nps"]))
    if len(known) == 1:
        return f"Candidate NPS was {now} in {_month(last['month'])}."
    before = known.iloc[-2]
    change = float(last["nps"]) - float(before["nps"])
    if change == 0:
        return f"Candidate NPS held at {now} in {_month(last['month'])}."
    return (
        f"Candidate NPS {_change_words(change, lambda v: f'{v:.0f} points')} to {now}"
        f" in {_month(last['month'])} (vs {_month(before['month'])})."
    )


def candidate_nps_by_group(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The lowest shown group, and how many groups are too small to show."""
    known = _known(frame, "nps")
    hidden = int(frame["is_suppressed"].fillna(False).astype(bool).sum())
    if known.empty:
        return None if not hidden else f"All {hidden} groups are too small to show."
    low = known.sort_values(["nps", "cut_value"]).iloc[0]
    name = str(low["cut_value"])
    if name.islower():  # outcome and stage codes read as words; names stay as they are
        name = name.replace("_", " ").capitalize()
    sentence = (
        f"Lowest: {name} at {formats.nps(float(low['nps']))} ({int(low['responses_n'])} responses)."
    )
    if hidden:
        sentence += f" {formats.count(hidden, 'group is', 'groups are')} too small to show."
    return sentence


def manager_impact(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'4 of 11 hiring managers hired faster than the organization's median (26.5 days).'"""
    both = frame[frame["time_to_hire_median_days"].notna()]
    org = frame["org_time_to_hire_median_days"].dropna()
    if both.empty or org.empty:
        return None
    org_days = float(org.iloc[0])
    faster = int((both["time_to_hire_median_days"] < org_days).sum())
    managers = formats.count(len(both), "hiring manager", "hiring managers")
    return (
        f"In {scope.quarter_name}, {faster} of {managers} with hires hired faster than the"
        f" organization's median time to hire ({formats.days(org_days)})."
    )


def manager_trend(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The latest quarter with a time to hire, against the organization."""
    known = _known(frame, "time_to_hire_median_days")
    if known.empty:
        return None
    last = known.iloc[-1]
    mine, org = float(last["time_to_hire_median_days"]), last["org_time_to_hire_median_days"]
    quarter = _quarter_name(last["quarter_start"])
    if pd.isna(org):
        return f"Median time to hire was {formats.days(mine)} in {quarter}."
    diff = mine - float(org)
    if diff == 0:
        return f"Median time to hire matched the organization in {quarter} ({formats.days(mine)})."
    return (
        f"Median time to hire was {formats.days(mine)} in {quarter},"
        f" {formats.days(abs(diff))} {'slower' if diff > 0 else 'faster'} than the organization."
    )


def manager_jobs(frame: pd.DataFrame, scope: Scope) -> str | None:
    if frame.empty:
        return None
    still_open = int(frame["is_open"].sum())
    return (
        f"{formats.count(len(frame), 'opening', 'openings')} in all,"
        f" {still_open} still open on the as-of date."
    )


# --- Practices: License to Hire program and interviews -----------------------------------------


def _latest_rate(subject: str, counted: tuple[str, str]) -> Takeaway:
    """'Coverage was 60% in Oct 2026 (3 of 5 jobs opened), up from 40% in Sep 2026.'"""

    def rule(frame: pd.DataFrame, scope: Scope) -> str | None:
        known = _known(frame, "rate")
        if known.empty:
            return None
        last = known.iloc[-1]
        sentence = (
            f"{subject} was {formats.percent(float(last['rate']))} in {_month(last['month'])}"
            f" ({int(last['yes_n'])} of {formats.count(int(last['decided_n']), *counted)})"
        )
        if len(known) == 1:
            return sentence + "."
        before = known.iloc[-2]
        change = float(last["rate"]) - float(before["rate"])
        if change == 0:
            return sentence + f", as in {_month(before['month'])}."
        return (
            sentence + f", {'up' if change > 0 else 'down'} {_points_amount(abs(change))} from"
            f" {_month(before['month'])}."
        )

    return rule


license_coverage_trend = _latest_rate("License to Hire coverage", ("job opened", "jobs opened"))
intake_timeliness_trend = _latest_rate("Intake on time", ("job decided", "jobs decided"))
retrospectives_trend = _latest_rate(
    "Retrospectives done", ("filled opening decided", "filled openings decided")
)


def unlicensed_roles(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'8 open roles have a manager who was not licensed at open, across 6 hiring managers.'"""
    if frame.empty:
        return None
    managers = frame["hiring_manager_id"].dropna().nunique()
    roles = formats.count(len(frame), "open role has", "open roles have")
    return (
        f"{roles} a hiring manager who was not licensed when it opened"
        f" ({formats.count(managers, 'hiring manager', 'hiring managers')} to invite)."
    )


def program_effect(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'Better with the practice in 19 of 25 comparisons, worse in none; 2 without enough data.'"""
    if frame.empty:
        return None
    verdicts = frame["verdict"].value_counts()
    better = int(verdicts.get("better with the practice", 0))
    worse = int(verdicts.get("worse with the practice", 0))
    thin = int(verdicts.get("not enough data", 0))
    sentence = (
        f"Better with the practice in {better} of"
        f" {formats.count(len(frame), 'comparison', 'comparisons')}, worse in"
        f" {worse or 'none'}"
    )
    if thin:
        sentence += f"; {thin} without enough data"
    return sentence + ". A comparison of openings, not proof that the practice caused it."


def scorecards_by_team(frame: pd.DataFrame, scope: Scope) -> str | None:
    """The team with the lowest on-time rate, against the organization."""
    org = _known(frame[frame["department"] == "All departments"], "on_time_rate")
    teams = _known(frame[frame["department"] != "All departments"], "on_time_rate")
    if teams.empty:
        return None
    low = teams.sort_values(["on_time_rate", "department"]).iloc[0]
    sentence = (
        f"{low['department']} interviewers submitted the fewest scorecards on time in"
        f" {scope.quarter_name}: {formats.percent(float(low['on_time_rate']))}"
    )
    if not org.empty:
        sentence += f" (organization: {formats.percent(float(org.iloc[0]['on_time_rate']))})"
    return sentence + "."


def scorecards_by_manager(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'7 of 24 hiring managers submitted their own scorecards on time less often than the org.'"""
    known = _known(frame, "scorecard_on_time_rate")
    org = frame["org_scorecard_on_time_rate"].dropna()
    if known.empty or org.empty:
        return None
    org_rate = float(org.iloc[0])
    below = int((known["scorecard_on_time_rate"] < org_rate).sum())
    managers = formats.count(len(known), "hiring manager", "hiring managers")
    return (
        f"{below} of {managers} submitted their own scorecards on time less often than"
        f" the organization's {formats.percent(org_rate)} in {scope.quarter_name}."
    )


def late_scorecards(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'261 scorecards are missing past the SLA, owed by 80 interviewers; 12 from the last
    30 days.'"""
    if frame.empty:
        return None
    owed_by = formats.count(frame["interviewer_id"].nunique(), "interviewer", "interviewers")
    recent = int((frame["days_since_interview"] <= 30).sum())
    scorecards = formats.count(len(frame), "scorecard is", "scorecards are")
    return (
        f"{scorecards} missing past the SLA, owed by {owed_by};"
        f" {recent} from interviews in the last 30 days."
    )


def talk_share_distribution(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'In 26 of 85 interviews the hiring manager talked above the limit; the most: Hiring
    manager spoke 85% of the time.'"""
    if frame.empty:
        return None
    flagged = int(frame["is_talk_share_flagged"].astype(bool).sum())
    top = float(frame["hiring_manager_talk_share"].max())
    interviews = formats.count(len(frame), "interview", "interviews")
    return (
        f"In {flagged} of {interviews} the hiring manager talked above the limit;"
        f" the most: {talk_share_phrase(top)}."
    )


def reschedules_by_ats(frame: pd.DataFrame, scope: Scope) -> str | None:
    """Which ATSs record reschedules, and the rate where they do."""
    if frame.empty:
        return None
    recorded = frame[frame["reschedules_recorded"].astype(bool)]
    missing = [
        str(s).capitalize()
        for s in frame.loc[~frame["reschedules_recorded"].astype(bool), "source_system"]
    ]
    parts = [
        f"{str(r['source_system']).capitalize()} rescheduled"
        f" {formats.percent(float(r['reschedule_rate']))} of interviews"
        for _, r in _known(recorded, "reschedule_rate").iterrows()
    ]
    if missing:
        parts.append(
            f"{' and '.join(missing)} {'does' if len(missing) == 1 else 'do'} not record"
            " reschedules (not 0%)"
        )
    return "; ".join(parts) + "."


# --- Fairness --------------------------------------------------------------------------------


def _stage_name(transition: str) -> str:
    if transition == "overall":
        return "from application to hire"
    return f"at {str(transition).replace('_', ' ')}"


def _flagged(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["is_flagged"].fillna(False).astype(bool)]


def impact_ratio_grid(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'2 of 21 group × stage cells are under four-fifths of the highest group's rate; the
    largest shortfall: Female at application review (impact ratio 0.67, p < 0.001, 182 fewer
    selected).' Suppressed cells are counted, never named with a number."""
    if frame.empty:
        return None
    compared = frame[frame["is_flagged"].notna()]
    flagged = _flagged(frame)
    hidden = int(frame["is_suppressed"].fillna(False).astype(bool).sum())
    tail = (
        f" {formats.count(hidden, 'cell has', 'cells have')} too few applicants to show."
        if hidden
        else ""
    )
    if flagged.empty:
        return (
            "No group's selection rate is under four-fifths of the highest group's at any"
            f" stage ({formats.count(len(compared), 'comparison', 'comparisons')}).{tail}"
        )
    shown = flagged[flagged["shortfall"].notna()]
    sentence = (
        f"{len(flagged)} of {formats.count(len(compared), 'comparison is', 'comparisons are')}"
        " under four-fifths of the highest group's selection rate"
    )
    if shown.empty:
        return sentence + "." + tail
    worst = shown.sort_values(
        ["shortfall", "transition_order", "group_name"], ascending=[False, True, True]
    ).iloc[0]
    where = _stage_name(worst["transition"])
    return (
        f"{sentence}; the largest shortfall: {worst['group_name']} {where}"
        f" (impact ratio {float(worst['impact_ratio']):.2f},"
        f" {formats.p_value(float(worst['fisher_p_value']))},"
        f" {float(worst['shortfall']):.0f} fewer selected than at the highest rate).{tail}"
    )


def flagged_groups(frame: pd.DataFrame, scope: Scope) -> str | None:
    """How many flags Fisher's exact test says are unlikely to be chance alone (p < 0.05)."""
    if frame.empty:
        return None
    flagged = _flagged(frame)
    if flagged.empty:
        return None
    significant = int((flagged["fisher_p_value"] < 0.05).sum())
    flags = formats.count(len(flagged), "flag", "flags")
    if significant == 0:
        return (
            f"None of the {flags} has Fisher's p under 0.05: each could be chance, so watch,"
            " do not conclude."
        )
    return (
        f"{significant} of {flags} {'has' if len(flagged) == 1 else 'have'} Fisher's p under"
        " 0.05: a gap that size is unlikely to be chance alone."
    )


# --- Data health -----------------------------------------------------------------------------


def refresh_history(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'The latest refresh published on 26 Nov 2026 (as of 2 Nov 2026): 85,000 rows loaded,
    none quarantined. 1 of 4 refreshes failed.'"""
    if frame.empty:
        return None
    published = frame[frame["outcome"] == "published"]
    failed = int((frame["outcome"] == "failed").sum())
    total = formats.count(len(frame), "refresh", "refreshes")
    tail = f" {failed} of {total} failed." if failed else ""
    if published.empty:
        return f"No refresh has published yet.{tail}"
    last = published.iloc[-1]
    quarantined = int(last["rows_quarantined"])
    when = formats.long_date(pd.Timestamp(last["refreshed_at"]).date())
    sentence = (
        f"The latest refresh published on {when}"
        f" (as of {formats.long_date(pd.Timestamp(last['as_of_date']).date())}):"
    )
    if int(last["files_loaded"]) == 0:
        return f"{sentence} no export file had changed, so nothing new was loaded.{tail}"
    return (
        f"{sentence} {int(last['rows_loaded']):,} rows loaded,"
        f" {'none' if quarantined == 0 else f'{quarantined:,}'} quarantined.{tail}"
    )


def rows_by_file(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'32 files from Greenhouse, Lever and HR files: 85,000 rows, none quarantined.'"""
    if frame.empty:
        return None
    sources = [formats.source_name(s) for s in sorted(frame["source_system"].unique())]
    named = sources[0] if len(sources) == 1 else ", ".join(sources[:-1]) + " and " + sources[-1]
    quarantined = int(frame["rows_quarantined"].sum())
    unchanged = int((~frame["loaded_this_refresh"].astype(bool)).sum())
    sentence = (
        f"{formats.count(len(frame), 'file', 'files')} from {named}:"
        f" {int(frame['rows_loaded'].sum()):,} rows loaded,"
        f" {'none' if quarantined == 0 else f'{quarantined:,}'} quarantined."
    )
    if unchanged:
        sentence += (
            f" {formats.count(unchanged, 'file was', 'files were')} unchanged and kept from an"
            " earlier refresh."
        )
    return sentence


def quarantine_by_reason(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'Most quarantined rows: applications.json, candidate_id: wrong type (12 of 15).'"""
    if frame.empty:
        return None
    top = frame.groupby(["file", "field", "reason_code"], as_index=False)["rows"].sum()
    top = top.sort_values(["rows", "file", "field"], ascending=[False, True, True]).iloc[0]
    total = int(frame["rows"].sum())
    return (
        f"Most quarantined rows: {top['file']}, {top['field']}:"
        f" {str(top['reason_code']).replace('_', ' ')} ({int(top['rows']):,} of {total:,})."
    )


def check_results(frame: pd.DataFrame, scope: Scope) -> str | None:
    """'All 421 checks passed.' or '2 of 421 checks warned and 1 failed: …'"""
    if frame.empty:
        return None
    total = len(frame)
    failed = frame[frame["status"].isin(["fail", "error"])]
    warned = frame[frame["status"] == "warn"]
    if failed.empty and warned.empty:
        return f"All {formats.count(total, 'check', 'checks')} passed."
    parts = []
    if len(failed):
        parts.append(f"{len(failed)} failed")
    if len(warned):
        parts.append(f"{len(warned)} warned")
    first = (failed if len(failed) else warned).iloc[0]
    rows = 0 if pd.isna(first["failing_rows"]) else int(first["failing_rows"])
    on = "" if pd.isna(first["target"]) else f" on {first['target']}"
    return (
        f"{' and '.join(parts)} of {formats.count(total, 'check', 'checks')}; first:"
        f" {first['check_name']}{on} ({formats.count(rows, 'row', 'rows')})."
    )
