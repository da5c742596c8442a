"""Scheduled interviews, their interviewers, scorecards and note-taker talk time.

Every stay in an interviewing stage gets that stage's interviews, booked in
working hours between entering and leaving the stage. Scorecards arrive after
the interview with each interviewer's own lateness; interviews whose feedback
is still missing at export time are `awaiting_feedback`. Where a note-taker
recorded the interview, talk time splits between candidate, hiring manager and
interviewers; a manager's habit sets how much of it they take.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .applications import HIRED, REJECTED, Applications
from .company import REJECTION_REASONS, STAGES, THEY_REJECTED, Company
from .times import DAY, END, HOUR, NULL

RECOMMENDATIONS = ("definitely_not", "no", "yes", "strong_yes", "no_decision")
RECOMMENDATION_P = {
    "passed": [0.02, 0.12, 0.5, 0.31, 0.05],
    "failed": [0.3, 0.5, 0.12, 0.02, 0.06],
    "open": [0.1, 0.25, 0.4, 0.15, 0.1],
}
NOTE_TAKER_SHARE = 0.7
HM_JOINS_PANEL = 0.3
NEVER_SUBMITTED = 0.03


@dataclass
class Interviews:
    app: np.ndarray
    stage_interview: np.ndarray  # index into company.stages.interview_*
    created_at: np.ndarray
    start: np.ndarray
    end: np.ndarray
    minutes: np.ndarray
    outcome: np.ndarray  # index into RECOMMENDATION_P keys: how the stay ended
    # interviewer rows, sorted by interview
    iv: np.ndarray
    user: np.ndarray
    is_manager: np.ndarray
    submitted_at: np.ndarray  # NULL: no scorecard yet
    recommendation: np.ndarray

    @property
    def status(self) -> list[str]:
        missing = np.bincount(self.iv, weights=self.submitted_at == NULL, minlength=self.app.size)
        return np.where(
            self.end >= END, "scheduled", np.where(missing > 0, "awaiting_feedback", "complete")
        ).tolist()


def schedule_interviews(
    company: Company, apps: Applications, rng: np.random.Generator
) -> Interviews:
    stages = company.stages
    a, k = np.nonzero(apps.visited)
    row = apps.stage[a, k]
    kinds = [STAGES[stages.kind[r]] for r in range(stages.id.size)]
    n_iv = np.array([len(x.interviews) for x in kinds])[row]
    keep = n_iv > 0
    a, k, row, n_iv = a[keep], k[keep], row[keep], n_iv[keep]
    minutes = np.array([x.minutes for x in kinds])[row]
    entered, exited = apps.entered[a, k], apps.exited[a, k]
    offset = apps.offset[a] * 60
    open_stay = exited == NULL

    # One booking per stay: a working-hours slot about a third of the way through the stay.
    anchor = np.where(
        open_stay,
        entered + np.exp(rng.normal(np.log(3), 0.5, a.size)) * DAY,
        entered + rng.uniform(0.3, 0.65, a.size) * (exited - entered),
    ).astype(np.int64)
    day = (anchor + offset) // DAY
    start = day * DAY + rng.integers(18, 33, a.size) * 1800 - offset
    span = (n_iv * (minutes + 15)) * 60
    fallback = anchor // 300 * 300
    start = np.where(
        (start > entered + HOUR) & (open_stay | (start + span < exited)), start, fallback
    )
    fits = (start > entered) & (open_stay | (start + span < exited))
    created = np.minimum(entered + rng.integers(1, 20, a.size) * HOUR, start - HOUR)
    created = np.maximum(created, entered)
    fits &= created < END
    # How the stay ended, for the scorecards' recommendations.
    last = k == apps.furthest[a]
    company_rejected = np.array(
        [r >= 0 and REJECTION_REASONS[r][1] != THEY_REJECTED for r in apps.reason.tolist()]
    )
    outcome = np.where(
        ~last | (apps.status[a] == HIRED),
        0,
        np.where((apps.status[a] == REJECTED) & company_rejected[a], 1, 2),
    )
    sel = np.flatnonzero(fits)

    # Expand stays into their interviews (consecutive slots on the same day).
    reps = n_iv[sel]
    stay = np.repeat(sel, reps)
    within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    first_iv = np.searchsorted(stages.interview_stage, row[stay])  # interviews are grouped by stage
    stage_interview = first_iv + within
    iv_start = start[stay] + within * (minutes[stay] + 15) * 60
    iv_end = iv_start + minutes[stay] * 60
    iv_app = a[stay]

    iv_rows, users, is_mgr = _interviewers(company, apps, iv_app, row[stay], rng)
    n_rows = iv_rows.size
    delay = company.users.scorecard_delay_hours[users]
    hours = np.exp(np.log(delay) + rng.normal(0, 0.7, n_rows))
    submitted = iv_end[iv_rows] + (hours * HOUR).astype(np.int64)
    missing = (submitted >= END) | (rng.random(n_rows) < NEVER_SUBMITTED) | (iv_end[iv_rows] >= END)
    submitted = np.where(missing, NULL, submitted)
    outcome_iv = outcome[stay]
    rec = np.empty(n_rows, dtype=np.int64)
    for code, p in enumerate(RECOMMENDATION_P.values()):
        m = outcome_iv[iv_rows] == code
        rec[m] = rng.choice(len(RECOMMENDATIONS), m.sum(), p=p)
    return Interviews(
        app=iv_app,
        stage_interview=stage_interview,
        created_at=created[stay],
        start=iv_start,
        end=iv_end,
        minutes=minutes[stay],
        outcome=outcome_iv,
        iv=iv_rows,
        user=users,
        is_manager=is_mgr,
        submitted_at=submitted,
        recommendation=rec,
    )


def _interviewers(
    company: Company, apps: Applications, iv_app: np.ndarray, stage_row: np.ndarray, rng
):
    """Who sits in each interview, by the stage's `conducted_by`; rows sorted by interview."""
    jobs, stages = company.jobs, company.stages
    n = iv_app.size
    job = apps.job[iv_app]
    dept = jobs.department[job]
    manager = company.managers.user[jobs.manager[job]]
    by = np.array([STAGES[k].conducted_by for k in stages.kind])[stage_row]
    pool = company.interviewer_pool
    first_pick = rng.integers(0, pool.shape[1], n)
    second_pick = (first_pick + rng.integers(1, pool.shape[1], n)) % pool.shape[1]
    lead = np.select(
        [by == "recruiter", by == "hiring_manager", by == "executive"],
        [jobs.recruiter[job], manager, company.executives[dept]],
        pool[dept, first_pick],
    )
    panel = by == "panel"
    names = np.array(stages.kind)[stage_row]
    second = panel & np.isin(names, ["Panel Interview", "Face to Face"])
    joins = panel & (rng.random(n) < HM_JOINS_PANEL)
    idx = np.arange(n)
    iv_rows = np.concatenate([idx, idx[second], idx[joins]])
    users = np.concatenate([lead, pool[dept, second_pick][second], manager[joins]])
    order = np.argsort(iv_rows, kind="stable")
    iv_rows, users = iv_rows[order], users[order]
    return iv_rows, users, users == manager[iv_rows]


@dataclass
class TalkTime:
    interview: np.ndarray
    role: np.ndarray  # 0 candidate, 1 hiring manager, 2 interviewer
    user: np.ndarray  # -1 for the candidate
    seconds: np.ndarray
    manager_share: np.ndarray  # per interview: the hiring manager's share, NaN when absent


TALK_ROLES = ("candidate", "hiring_manager", "interviewer")


def talk_time(
    company: Company, apps: Applications, ivs: Interviews, rng: np.random.Generator
) -> TalkTime:
    n = ivs.app.size
    recorded = (ivs.end < END) & (rng.random(n) < NOTE_TAKER_SHARE)
    total = ivs.minutes * 60 * rng.uniform(0.7, 0.92, n)
    has_mgr = np.bincount(ivs.iv, weights=ivs.is_manager, minlength=n) > 0
    habit = company.managers.talk_share[company.jobs.manager[apps.job[ivs.app]]]
    mgr_share = np.where(has_mgr, np.clip(habit + rng.normal(0, 0.07, n), 0.05, 0.9), 0.0)
    cand_share = (1 - mgr_share) * rng.uniform(0.45, 0.75, n)
    others = np.bincount(ivs.iv, weights=~ivs.is_manager, minlength=n)
    rest = np.where(others > 0, (1 - mgr_share - cand_share) / np.maximum(others, 1), 0)
    cand_share = np.where(others > 0, cand_share, 1 - mgr_share)

    rows = np.flatnonzero(recorded[ivs.iv])
    iv_ids = np.concatenate([np.flatnonzero(recorded), ivs.iv[rows]])
    role = np.concatenate(
        [np.zeros(recorded.sum(), dtype=np.int64), np.where(ivs.is_manager[rows], 1, 2)]
    )
    user = np.concatenate([np.full(recorded.sum(), -1), ivs.user[rows]])
    share = np.concatenate(
        [
            cand_share[recorded],
            np.where(ivs.is_manager[rows], mgr_share[ivs.iv[rows]], rest[ivs.iv[rows]]),
        ]
    )
    seconds = np.round(share * total[iv_ids] * rng.uniform(0.9, 1.1, iv_ids.size))
    order = np.lexsort((user, role, iv_ids))
    return TalkTime(
        interview=iv_ids[order],
        role=role[order],
        user=user[order],
        seconds=seconds[order],
        manager_share=np.where(recorded & has_mgr, mgr_share, np.nan),
    )
