"""Applications and their stage histories, simulated for all applications at once.

Each application walks its job's interview plan: at every stage it may be
skipped, passed, or end there (rejected by the company, or withdrawn by the
candidate, which gets likelier the longer the process drags on). Stay lengths
scale with the job's `speed`, which comes from the hiring manager's practices.
Everything is numpy over (applications x plan positions); loops run over plan
positions or jobs only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .company import (
    ID_BASE,
    MAX_PLAN_LENGTH,
    OFFICE_OFFSETS,
    OFFICES,
    PROSPECT_SOURCE,
    REJECTION_REASONS,
    SOURCES,
    STAGES,
    THEY_REJECTED,
    WE_REJECTED,
    Company,
)
from .offers import OfferDraft, draft_offers
from .times import DAY, END, HOUR, NULL, START, business_moment, lognormal_days, weekday

ACTIVE, REJECTED, HIRED = 0, 1, 2
STATUS_NAMES = ("active", "rejected", "hired")

# Applications by weekday (Monday first) and by local hour of day.
WEEKDAY_WEIGHT = np.array([1.35, 1.15, 1.05, 1.0, 0.85, 0.4, 0.5])
HOUR_WEIGHT = np.array(
    [2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 8, 8, 7, 7, 6, 6, 7, 8, 8, 6, 4], dtype=float
)
POOL_PROSPECT_SHARE = 0.004  # prospects in the talent pool, not yet tied to a job
PROSPECT_SHARE = 0.09
REAPPLY_SHARE = 0.04
REAPPLY_GAP_DAYS = 30
# Applications to a posting thin out as it ages: most arrive in its first weeks, then
# a trickle (ARRIVAL_FLOOR of the first day's rate) while it stays open. A job run
# with the practices gets its pool sooner: the decay scales with its speed (to this
# power), since a sharp brief from an on-time intake is sourced at once.
ARRIVAL_DECAY_DAYS = 30.0
ARRIVAL_FLOOR = 0.06
ARRIVAL_SPEED_POWER = 1.0
# The flaw the fairness report should find: the resume screen (Application Review)
# passes women less often (odds multiplier), an impact ratio of about 0.7.
FEMALE_SHARE = 0.435  # of applicants; what they answer on the EEOC form is records.py's
SCREEN_ODDS_FEMALE = 0.6

_REASON = {name: i for i, (name, _) in enumerate(REJECTION_REASONS)}
WITHDRAW_REASONS = np.array(
    [
        _REASON[r]
        for r in (
            "Withdrew - personal reasons",
            "Accepted another offer",
            "Compensation",
            "Not interested in the role",
        )
    ]
)
WITHDRAW_WEIGHTS = np.array([0.35, 0.3, 0.15, 0.2])
OFFER_DECLINE_REASONS = np.array([_REASON["Accepted another offer"], _REASON["Compensation"]])
COMPANY_REASONS = np.array(
    [
        _REASON[r]
        for r in (
            "Lacking skill(s)/qualification(s)",
            "Not a culture fit",
            "Underqualified",
            "Another candidate was selected",
            "Other (add notes below)",
        )
    ]
)
COMPANY_WEIGHTS = np.array([0.38, 0.14, 0.24, 0.14, 0.10])
POSITION_FILLED = _REASON["Position filled"]
assert REJECTION_REASONS[WITHDRAW_REASONS[0]][1] == THEY_REJECTED
assert REJECTION_REASONS[COMPANY_REASONS[0]][1] == WE_REJECTED


@dataclass
class Applications:
    id: np.ndarray
    job: np.ndarray  # job index, -1 for a talent-pool prospect
    offset: np.ndarray  # minutes: the job office's UTC offset
    started_at: np.ndarray  # applied, or added to the job for a prospect
    prospect: np.ndarray
    source: np.ndarray
    credited_to: np.ndarray  # user index
    stage: np.ndarray  # (apps, plan positions) job stage row, -1 padding
    visited: np.ndarray  # (apps, plan positions)
    entered: np.ndarray
    exited: np.ndarray  # NULL while the application is still in the stage
    furthest: np.ndarray  # plan position of the last stay
    status: np.ndarray
    reason: np.ndarray  # rejection reason index, -1
    ended_at: np.ndarray  # rejected_at or hired_at, NULL while active
    offer_row: np.ndarray  # row in `offers`, -1 without an offer
    offers: OfferDraft
    candidate: np.ndarray  # candidate index (set by assign_candidates)
    female: np.ndarray

    @property
    def candidate_id(self) -> np.ndarray:
        return ID_BASE["candidate"] + self.candidate

    @property
    def has_job(self) -> np.ndarray:
        return self.job >= 0

    def current_position(self) -> np.ndarray:
        """Plan position of the latest stay (-1 without a job)."""
        return np.where(
            self.visited.any(axis=1),
            MAX_PLAN_LENGTH - 1 - np.argmax(self.visited[:, ::-1], axis=1),
            -1,
        )

    def last_activity(self) -> np.ndarray:
        times = [self.started_at, self.entered.max(axis=1), self.exited.max(axis=1)]
        rows = np.flatnonzero(self.offer_row >= 0)
        offer_last = np.full(self.id.size, NULL, dtype=np.int64)
        o = self.offer_row[rows]
        offer_last[rows] = np.maximum(self.offers.created[o].max(axis=1), self.offers.resolved[o])
        return np.max(np.stack(times + [offer_last]), axis=0)


def _arrivals(company: Company, n: int, rng: np.random.Generator):
    """Job and arrival time of each application: weekday and hour-of-day patterns."""
    jobs = company.jobs
    offsets = OFFICE_OFFSETS
    job_offset = offsets[jobs.office]
    live = ~jobs.draft
    window_days = np.where(live, (jobs.window_end - jobs.opened_at) / DAY, 0)
    weight = jobs.popularity * np.maximum(window_days, 0)
    n_pool = max(2, round(n * POOL_PROSPECT_SHARE))
    counts = rng.multinomial(n - n_pool, weight / weight.sum())
    job_parts, time_parts = [], []
    for j in np.flatnonzero(counts):
        first = (jobs.opened_at[j] + job_offset[j] * 60) // DAY
        last = (jobs.window_end[j] + job_offset[j] * 60) // DAY
        days = np.arange(first, max(last, first + 1))
        decay = ARRIVAL_DECAY_DAYS * jobs.speed[j] ** ARRIVAL_SPEED_POWER
        p = WEEKDAY_WEIGHT[weekday(days)] * (np.exp(-(days - first) / decay) + ARRIVAL_FLOOR)
        picked = rng.choice(days, counts[j], p=p / p.sum())
        local = picked * DAY + rng.choice(24, counts[j], p=HOUR_WEIGHT / HOUR_WEIGHT.sum()) * HOUR
        local += rng.integers(0, HOUR, counts[j])
        utc = np.clip(local - job_offset[j] * 60, jobs.opened_at[j] + 600, jobs.window_end[j] - 600)
        job_parts.append(np.full(counts[j], j))
        time_parts.append(utc)
    job_parts.append(np.full(n_pool, -1))
    time_parts.append(START + rng.integers(0, END - START - DAY, n_pool))
    job = np.concatenate(job_parts)
    started = np.concatenate(time_parts)
    order = np.lexsort((job, started))
    job, started = job[order], started[order]
    offset = np.where(job >= 0, job_offset[job], offsets[rng.integers(0, len(OFFICES), job.size)])
    return job, started, offset


def simulate_applications(company: Company, n: int, rng: np.random.Generator) -> Applications:
    jobs, stages = company.jobs, company.stages
    job, started, offset = _arrivals(company, n, rng)
    n = job.size
    has_job = job >= 0
    j = np.where(has_job, job, 0)

    # Prospects are sourced by the job's sourcer; others come through a channel.
    prospect = ~has_job | (rng.random(n) < PROSPECT_SHARE)
    source_names = [s[0] for s in SOURCES]
    channel_share = np.array([0.0 if s[0] == PROSPECT_SOURCE else s[2] for s in SOURCES])
    source = rng.choice(len(SOURCES), n, p=channel_share / channel_share.sum())
    prospect_source = np.where(
        rng.random(n) < 0.8, source_names.index(PROSPECT_SOURCE), source_names.index("LinkedIn")
    )
    source = np.where(prospect, prospect_source, source)
    users = company.users
    # a referral comes from someone at the company that runs the job's ATS
    lever_job = has_job & jobs.lever[j]
    gh_users, lever_users = np.flatnonzero(~users.lever), np.flatnonzero(users.lever)
    pick = rng.random(n)
    referrer = np.where(
        lever_job,
        lever_users[(pick * lever_users.size).astype(np.int64)],
        gh_users[(pick * gh_users.size).astype(np.int64)],
    )
    credited = np.where(
        prospect,
        jobs.sourcer[j],
        np.where(source == source_names.index("Referral"), referrer, jobs.recruiter[j]),
    )

    # The walk through the plan.
    plan = np.where(has_job[:, None], stages.plan[j], -1)
    valid = plan >= 0
    length = valid.sum(axis=1)
    pos = np.arange(MAX_PLAN_LENGTH)[None, :]
    row = np.where(valid, plan, 0)
    kinds = [STAGES[k] for k in stages.kind]
    skip_rate = np.array([k.skip_rate for k in kinds])[row]
    median = np.array([k.median_days for k in kinds])[row]
    odds = stages.pass_prob[row] / np.maximum(1 - stages.pass_prob[row], 1e-9)
    odds *= np.array([s[3] for s in SOURCES])[source][:, None]
    female = rng.random(n) < FEMALE_SHARE
    odds[:, 0] *= np.where(female, SCREEN_ODDS_FEMALE, 1.0)
    p_pass = odds / (1 + odds)
    inner = valid & (pos > 0) & (pos < length[:, None] - 1)
    skipped = inner & (rng.random(plan.shape) < skip_rate)
    fail = valid & ~skipped & (pos < length[:, None] - 1) & (rng.random(plan.shape) >= p_pass)
    furthest = np.where(fail.any(axis=1), fail.argmax(axis=1), length - 1)
    visited = valid & ~skipped & (pos <= furthest[:, None])

    speed = jobs.speed[j][:, None]
    stay_days = lognormal_days(rng, median * speed, 0.6)
    entered = np.full(plan.shape, NULL, dtype=np.int64)
    exited = np.full(plan.shape, NULL, dtype=np.int64)
    cursor = started.copy()
    for k in range(MAX_PLAN_LENGTH):
        v = visited[:, k]
        nxt = business_moment(cursor, stay_days[:, k], offset, rng)
        entered[v, k] = cursor[v]
        exited[v, k] = nxt[v]
        cursor = np.where(v, nxt, cursor)

    # Where the walk ended short of an offer: the company said no, or the candidate left.
    reached_offer = has_job & (furthest == length - 1)
    elapsed = (cursor - started) / DAY
    withdrew = rng.random(n) < 0.07 + 0.3 * (1 - np.exp(-elapsed / 45))
    reason = np.where(
        withdrew,
        rng.choice(WITHDRAW_REASONS, n, p=WITHDRAW_WEIGHTS),
        rng.choice(COMPANY_REASONS, n, p=COMPANY_WEIGHTS),
    )
    status = np.where(has_job, REJECTED, ACTIVE)
    ended = np.where(has_job, cursor, NULL)

    # Offers for those who reached the Offer stage.
    offer_apps = np.flatnonzero(reached_offer)
    offer_pos = furthest[offer_apps]
    draft = draft_offers(
        entered[offer_apps, offer_pos],
        offset[offer_apps],
        jobs.practice[j[offer_apps]],
        company.managers.talk_share[jobs.manager[j[offer_apps]]],
        (entered[offer_apps, offer_pos] - started[offer_apps]) / DAY,
        rng,
    )
    exited[offer_apps, offer_pos] = draft.decided
    ended[offer_apps] = draft.decided
    status[offer_apps] = np.where(draft.accepted, HIRED, REJECTED)
    reason[offer_apps] = np.where(
        draft.accepted, -1, rng.choice(OFFER_DECLINE_REASONS, offer_apps.size)
    )
    reason = np.where(status == REJECTED, reason, -1)
    offer_row = np.full(n, -1)
    offer_row[offer_apps] = np.arange(offer_apps.size)

    return Applications(
        id=ID_BASE["application"] + np.arange(n),
        job=job,
        offset=offset,
        started_at=started,
        prospect=prospect,
        source=source,
        credited_to=credited,
        stage=plan,
        visited=visited,
        entered=entered,
        exited=exited,
        furthest=furthest,
        status=status,
        reason=reason,
        ended_at=ended,
        offer_row=offer_row,
        offers=draft,
        candidate=np.arange(n),
        female=female,
    )


def truncate(apps: Applications, cutoff: np.ndarray, job_closed: np.ndarray) -> None:
    """Cut every application's history at its cutoff, in place.

    At the export time the application is simply still active (its last stay
    open, a pending offer unresolved). At an earlier cutoff the job closed: the
    application is rejected then with "Position filled".
    """
    c = cutoff[:, None]
    before = apps.visited
    apps.visited = before & (apps.entered < c)
    # a stay that ends exactly at the cutoff, its next one dropped, is cut there too
    dropped = (before & ~apps.visited).any(axis=1)
    cut = apps.visited & ((apps.exited > c) | ((apps.exited == c) & dropped[:, None]))
    rows = cut.any(axis=1)
    closing = rows & job_closed
    pending = rows & ~job_closed
    apps.exited = np.where(cut & closing[:, None], c, apps.exited)
    apps.exited = np.where(cut & pending[:, None], NULL, apps.exited)
    apps.entered = np.where(apps.visited, apps.entered, NULL)
    apps.exited = np.where(apps.visited, apps.exited, NULL)
    apps.status = np.where(closing, REJECTED, np.where(pending, ACTIVE, apps.status))
    apps.reason = np.where(closing, POSITION_FILLED, np.where(pending, -1, apps.reason))
    apps.ended_at = np.where(closing, cutoff, np.where(pending, NULL, apps.ended_at))

    # Offer versions made after the cutoff never existed; answers after it are pending.
    has = np.flatnonzero(apps.offer_row >= 0)
    o = apps.offer_row[has]
    offers = apps.offers
    cut_at = cutoff[has][:, None]
    offers.created[o] = np.where(offers.created[o] < cut_at, offers.created[o], NULL)
    late = offers.resolved[o] >= cutoff[has]
    offers.resolved[o] = np.where(late, NULL, offers.resolved[o])
    offers.accepted[o] &= ~late


def assign_candidates(apps: Applications, job_lever: np.ndarray, rng: np.random.Generator) -> None:
    """Some people apply again: a later application reuses an earlier candidate
    who was not hired, for a different job of the same ATS (the two ATSs share no
    candidate records)."""
    n = apps.id.size
    later = np.arange(n)
    # an earlier application of the same ATS, uniformly (applications are in time order)
    lever = apps.has_job & job_lever[np.maximum(apps.job, 0)]
    draw = rng.random(n)
    pick = np.empty(n, dtype=np.int64)
    for group in (lever, ~lever):
        members = np.flatnonzero(group)
        pick[members] = members[np.floor(draw[members] * np.arange(members.size)).astype(np.int64)]
    again = (
        (rng.random(n) < REAPPLY_SHARE)
        & (pick < later)
        & apps.has_job
        & apps.has_job[pick]
        & (apps.job[pick] != apps.job)
        & (apps.status[pick] != HIRED)
        & (apps.started_at - apps.started_at[pick] > REAPPLY_GAP_DAYS * DAY)
    )
    # An earlier application that itself reuses someone cannot be the one reused.
    again &= ~again[pick]
    owner = np.where(again, pick, later)
    _, apps.candidate = np.unique(owner, return_inverse=True)
