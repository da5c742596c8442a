"""HR data from outside the ATS: HRIS, reviews, surveys, LMS, intake meetings,
note-taker talk time and retrospectives.

How a hire does later (performance, staying, the manager's rating) mixes the
person's own latent quality with the practice level of the job that hired them;
candidate survey scores depend on the outcome, how long the process took and
how much the hiring manager talked in the interviews.

Rows about the acquired departments point into Lever (`source_system` `lever`,
Lever ids); the rest into Greenhouse. `Refs` holds both ids of every object.
"""

from __future__ import annotations

import numpy as np

from .applications import HIRED, Applications
from .company import OFFICE_OFFSETS, REJECTION_REASONS, THEY_REJECTED, Company
from .interviews import TALK_ROLES, Interviews, TalkTime
from .lever import Refs
from .openings import Openings
from .times import DAY, END, NULL, business_moment, iso, iso_date

END_DAY = END // DAY - 1  # last calendar day in the export
REVIEW_DAYS = (182, 365)  # mid-year and annual reviews after the start date

Table = tuple[list[str], list[list]]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def build_people_files(
    company: Company,
    apps: Applications,
    ivs: Interviews,
    talk: TalkTime,
    openings: Openings,
    closed_at: np.ndarray,
    refs: Refs,
    rng: np.random.Generator,
) -> dict[str, Table]:
    files: dict[str, Table] = {}
    files.update(_employment(company, apps, refs, rng))
    files["candidate_surveys"] = _candidate_surveys(company, apps, ivs, talk, refs, rng)
    files["training_completions"] = _training(company)
    files["intake_meetings"] = _intake(company, refs)
    files["interview_talk_time"] = _talk_time(talk, refs)
    files["retrospectives"] = _retrospectives(company, openings, closed_at, refs, rng)
    return files


def _employment(
    company: Company, apps: Applications, refs: Refs, rng: np.random.Generator
) -> dict[str, Table]:
    jobs = company.jobs
    hires = np.flatnonzero(apps.status == HIRED)
    n = hires.size
    job = apps.job[hires]
    practice = jobs.practice[job]
    # a manager who talks through the interviews learns less about the candidate
    talk = company.managers.talk_share[jobs.manager[job]] - 0.35
    quality = rng.normal(0, 1, n)  # the person's own, unobserved
    start = apps.offers.start_day[apps.offer_row[hires]]
    employee = [f"EMP{10_001 + i}" for i in range(n)]

    yearly_hazard = 0.16 * np.exp(-0.3 * (practice - 0.5) + 0.3 * talk - 0.45 * quality)
    leaves = start + np.ceil(rng.exponential(365 / yearly_hazard)).astype(np.int64)
    left = leaves <= END_DAY
    term_day = np.where(left, leaves, NULL)
    involuntary = rng.random(n) < _sigmoid(-1.0 * quality - 1.0)
    term_type = np.where(~left, None, np.where(involuntary, "involuntary", "voluntary")).tolist()
    employees = (
        [
            "employee_id",
            "source_system",
            "application_id",
            "start_date",
            "termination_date",
            "termination_type",
        ],
        [
            list(r)
            for r in zip(
                employee,
                refs.system(refs.app_lever[hires]),
                refs.app[hires].tolist(),
                iso_date(start),
                iso_date(term_day),
                term_type,
                strict=True,
            )
        ],
    )

    reviews = []
    for due in REVIEW_DAYS:
        day = start + due + rng.integers(-7, 8, n)
        rating = np.clip(
            np.round(
                3.1 + 0.35 * (practice - 0.5) - 0.3 * talk + 0.5 * quality + rng.normal(0, 0.55, n)
            ),
            1,
            5,
        )
        ok = (day <= END_DAY) & (~left | (day <= leaves))
        for i, d, r in zip(
            np.flatnonzero(ok).tolist(), iso_date(day[ok]), rating[ok].tolist(), strict=True
        ):
            reviews.append([employee[i], d, int(r), 1, 5])
    reviews.sort(key=lambda r: (r[0], r[1]))

    survey_at = business_moment(start * DAY, rng.integers(60, 100, n), 0, rng)
    answered = (rng.random(n) < 0.85) & (survey_at < END) & (~left | (survey_at // DAY <= leaves))
    hm_rating = np.clip(
        np.round(
            3.4 + 0.4 * (practice - 0.5) - 0.3 * talk + 0.45 * quality + rng.normal(0, 0.6, n)
        ),
        1,
        5,
    )
    # the manager's id in the ATS the hire came through (the employee row names it)
    manager_id = refs.user[company.managers.user[jobs.manager[job]]]
    sub = iso(survey_at, 0, millis=True)
    hm = [
        [employee[i], manager_id[i], sub[i], int(hm_rating[i])]
        for i in np.flatnonzero(answered).tolist()
    ]
    return {
        "employees": employees,
        "performance_reviews": (
            ["employee_id", "review_date", "rating", "scale_min", "scale_max"],
            reviews,
        ),
        "hiring_manager_surveys": (
            ["employee_id", "manager_user_id", "submitted_at", "rating"],
            hm,
        ),
    }


def _candidate_surveys(
    company: Company, apps: Applications, ivs: Interviews, talk: TalkTime, refs: Refs, rng
) -> Table:
    ended = np.flatnonzero(apps.has_job & (apps.ended_at != NULL))
    n = ended.size
    sent = business_moment(
        apps.ended_at[ended], np.ones(n, dtype=np.int64), apps.offset[ended], rng
    )
    sent_ok = (sent < END) & (rng.random(n) < 0.9)
    hired = apps.status[ended] == HIRED
    withdrew = np.array(
        [r >= 0 and REJECTION_REASONS[r][1] == THEY_REJECTED for r in apps.reason[ended].tolist()]
    )
    answered = sent_ok & (rng.random(n) < np.where(hired, 0.55, 0.38))
    submitted = sent + (rng.exponential(1.5, n) * DAY).astype(np.int64) + 600
    answered &= submitted < END

    # The hiring manager's talk share in this candidate's recorded interviews.
    share = talk.manager_share
    seen = ~np.isnan(share)
    total = np.bincount(ivs.app[seen], weights=share[seen], minlength=apps.id.size)
    count = np.bincount(ivs.app[seen], minlength=apps.id.size)
    manager_talk = np.where(count[ended] > 0, total[ended] / np.maximum(count[ended], 1), 0.35)
    days = (apps.ended_at[ended] - apps.started_at[ended]) / DAY
    practice = company.jobs.practice[apps.job[ended]]
    base = np.where(hired, 9.0, np.where(withdrew, 6.8, 6.2 + 0.3 * apps.furthest[ended]))
    # a manager who talks through interviews also runs the rest of the process for
    # themselves: every candidate of theirs feels it a little, those they met a lot
    habit = company.managers.talk_share[company.jobs.manager[apps.job[ended]]]
    score = (
        base
        + 1.4 * (practice - 0.5)
        - 1.0 * (habit - 0.35)
        - 6.0 * (manager_talk - 0.35)
        - 0.012 * days
    )
    score = np.clip(np.round(score + rng.normal(0, 1.5, n)), 0, 10).astype(int)

    rows = []
    sent_iso = iso(sent, apps.offset[ended])
    sub_iso = iso(submitted, apps.offset[ended])
    system = refs.system(refs.app_lever[ended])
    for survey_no, i in enumerate(np.flatnonzero(sent_ok).tolist(), start=1):
        rows.append(
            [
                f"CS{survey_no:06d}",
                system[i],
                refs.app[ended[i]],
                sent_iso[i],
                sub_iso[i] if answered[i] else None,
                int(score[i]) if answered[i] else None,
            ]
        )
    return (
        ["survey_id", "source_system", "application_id", "sent_at", "submitted_at", "score"],
        rows,
    )


def _training(company: Company) -> Table:
    users = company.users
    email = users.email
    rows = sorted(company.training, key=lambda r: (email[r[0]], r[1], r[2]))
    done = iso(np.array([r[2] for r in rows], dtype=np.int64), 0, millis=True)
    expires = iso(np.array([r[3] for r in rows], dtype=np.int64), 0, millis=True)
    return (
        ["user_email", "course_code", "completed_at", "expires_at"],
        [[email[r[0]], r[1], d, e] for r, d, e in zip(rows, done, expires, strict=True)],
    )


def _intake(company: Company, refs: Refs) -> Table:
    jobs = company.jobs
    held = np.flatnonzero(jobs.intake_held_at != NULL)
    offset = OFFICE_OFFSETS[jobs.office[held]]
    when = iso(jobs.intake_held_at[held], offset)
    system = refs.system(refs.job_lever[held])
    return (
        ["source_system", "job_id", "held_at", "checklist_complete"],
        [
            [system[n], refs.job[j], w, bool(jobs.intake_checklist[j])]
            for n, (j, w) in enumerate(zip(held.tolist(), when, strict=True))
        ],
    )


def _talk_time(talk: TalkTime, refs: Refs) -> Table:
    system = refs.system(refs.interview_lever[talk.interview])
    return (
        ["source_system", "interview_id", "participant_role", "user_id", "talk_seconds"],
        [
            [
                system[n],
                refs.interview[i],
                TALK_ROLES[r],
                refs.user[u] if u >= 0 else None,
                int(s),
            ]
            for n, (i, r, u, s) in enumerate(
                zip(
                    talk.interview.tolist(),
                    talk.role.tolist(),
                    talk.user.tolist(),
                    talk.seconds.tolist(),
                    strict=True,
                )
            )
        ],
    )


def _retrospectives(
    company: Company, openings: Openings, closed_at: np.ndarray, refs: Refs, rng
) -> Table:
    """Some managers hold a retrospective soon after each hire, others late or never;
    a few closed jobs get one retrospective for the whole search."""
    jobs = company.jobs
    propensity = company.managers.retro_propensity[jobs.manager]
    filled = np.flatnonzero(openings.application >= 0)
    job = openings.job[filled]
    n = filled.size
    held_any = rng.random(n) < np.clip(propensity[job] + 0.15, 0, 1)
    prompt = rng.random(n) < propensity[job]
    days = np.where(prompt, rng.integers(3, 28, n), rng.integers(31, 80, n))
    offset = OFFICE_OFFSETS
    held = business_moment(openings.closed_at[filled], days, offset[jobs.office[job]], rng)
    ok = held_any & (held < END)
    system = refs.system(refs.job_lever)
    rows = [
        [system[j], refs.job[j], refs.opening[o], t]
        for j, o, t in zip(
            job[ok].tolist(),
            filled[ok].tolist(),
            iso(held[ok], offset[jobs.office[job[ok]]]),
            strict=True,
        )
    ]
    whole = np.flatnonzero((closed_at != NULL) & (rng.random(jobs.id.size) < 0.15))
    whole_at = business_moment(
        closed_at[whole], rng.integers(5, 40, whole.size), offset[jobs.office[whole]], rng
    )
    whole = whole[whole_at < END]
    for j, t in zip(
        whole.tolist(), iso(whole_at[whole_at < END], offset[jobs.office[whole]]), strict=True
    ):
        rows.append([system[j], refs.job[j], None, t])
    # by source first: within one source the ids share a type (int or UUID text)
    rows.sort(key=lambda r: (r[0], r[1], r[2] is None, r[2] or 0))
    return (["source_system", "job_id", "opening_id", "held_at"], rows)
