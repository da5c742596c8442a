"""Harvest API objects built from the simulated company, shaped as Greenhouse returns them."""

from __future__ import annotations

import numpy as np

from .applications import STATUS_NAMES, Applications
from .company import (
    DEPARTMENTS,
    ID_BASE,
    OFFICE_OFFSETS,
    OFFICES,
    OPENING_CLOSE_REASONS,
    REJECTION_REASONS,
    REJECTION_TYPE_IDS,
    SOURCES,
    Company,
)
from .interviews import RECOMMENDATIONS, Interviews
from .names import FIRST_NAMES, LAST_NAMES
from .openings import Openings
from .times import END, NULL, iso

SOURCE_TYPE_IDS = {t: i for i, t in enumerate(sorted({s[1] for s in SOURCES}), start=1)}


def departments() -> list[dict]:
    ids = {d.name: ID_BASE["department"] + i for i, d in enumerate(DEPARTMENTS)}
    return [
        {
            "id": ids[d.name],
            "name": d.name,
            "parent_id": ids[d.parent] if d.parent else None,
            "child_ids": [ids[c.name] for c in DEPARTMENTS if c.parent == d.name],
            "external_id": None,
        }
        for d in DEPARTMENTS
    ]


def offices() -> list[dict]:
    return [
        {
            "id": ID_BASE["office"] + i,
            "name": name,
            "location": {"name": location},
            "parent_id": None,
            "child_ids": [],
            "external_id": None,
        }
        for i, (name, location, _) in enumerate(OFFICES)
    ]


def sources() -> list[dict]:
    return [
        {
            "id": ID_BASE["source"] + i,
            "name": name,
            "type": {"id": SOURCE_TYPE_IDS[kind], "name": kind},
        }
        for i, (name, kind, _, _) in enumerate(SOURCES)
    ]


def rejection_reasons() -> list[dict]:
    return [
        {
            "id": ID_BASE["rejection_reason"] + i,
            "name": name,
            "type": {"id": REJECTION_TYPE_IDS[kind], "name": kind},
        }
        for i, (name, kind) in enumerate(REJECTION_REASONS)
    ]


def _person(company: Company, u: int, responsible: bool | None = None) -> dict:
    users = company.users
    person = {
        "id": int(users.id[u]),
        "first_name": users.first_name[u],
        "last_name": users.last_name[u],
        "name": f"{users.first_name[u]} {users.last_name[u]}",
        "employee_id": f"EMP{int(users.id[u]) % 100_000:05d}",
    }
    if responsible is not None:
        person["responsible"] = responsible
    return person


def users(company: Company) -> list[dict]:
    u = company.users
    emails = u.email
    created = iso(u.created_at, 0, millis=True)
    return [
        {
            **_person(company, i),
            "primary_email_address": emails[i],
            "emails": [emails[i]],
            "disabled": False,
            "site_admin": u.role[i] == "recruiter",
            "created_at": created[i],
            "updated_at": created[i],
        }
        for i in range(u.id.size)
    ]


def jobs(
    company: Company,
    apps: Applications,
    openings: Openings,
    closed_at: np.ndarray,
    last_activity: np.ndarray,
) -> list[dict]:
    """Jobs with hiring team and openings; `last_activity` is per job."""
    j = company.jobs
    app_ids = apps.id
    offset = OFFICE_OFFSETS[j.office]
    dept_ids = [ID_BASE["department"] + i for i in range(len(DEPARTMENTS))]
    created, opened, closed = (
        iso(j.created_at, offset),
        iso(j.opened_at, offset),
        iso(closed_at, offset),
    )
    updated = iso(np.maximum.reduce([j.created_at, j.opened_at, closed_at, last_activity]), offset)
    op_off = offset[openings.job]
    op_opened, op_closed = iso(openings.opened_at, op_off), iso(openings.closed_at, op_off)
    by_job: dict[int, list[dict]] = {}
    for o in range(openings.id.size):
        by_job.setdefault(int(openings.job[o]), []).append(
            {
                "id": int(openings.id[o]),
                "opening_id": openings.label[o],
                "status": "open" if openings.closed_at[o] == NULL else "closed",
                "opened_at": op_opened[o],
                "closed_at": op_closed[o],
                "application_id": int(app_ids[openings.application[o]])
                if openings.application[o] >= 0
                else None,
                "close_reason": None
                if openings.close_reason[o] < 0
                else {
                    "id": ID_BASE["close_reason"] + int(openings.close_reason[o]),
                    "name": OPENING_CLOSE_REASONS[openings.close_reason[o]],
                },
            }
        )
    records = []
    for i in range(j.id.size):
        status = "draft" if j.draft[i] else ("open" if closed_at[i] == NULL else "closed")
        manager = int(company.managers.user[j.manager[i]])
        records.append(
            {
                "id": int(j.id[i]),
                "name": j.name[i],
                "requisition_id": f"REQ-{i + 1:04d}",
                "notes": None,
                "confidential": False,
                "is_template": False,
                "status": status,
                "created_at": created[i],
                "opened_at": opened[i],
                "closed_at": closed[i],
                "updated_at": updated[i],
                "departments": [
                    {"id": dept_ids[j.department[i]], "name": DEPARTMENTS[j.department[i]].name}
                ],
                "offices": [
                    {"id": ID_BASE["office"] + int(j.office[i]), "name": OFFICES[j.office[i]][0]}
                ],
                "hiring_team": {
                    "hiring_managers": [_person(company, manager, True)],
                    "recruiters": [_person(company, int(j.recruiter[i]), True)],
                    "coordinators": [_person(company, int(j.coordinator[i]), True)],
                    "sourcers": [_person(company, int(j.sourcer[i]), False)],
                },
                "openings": by_job.get(i, []),
                "custom_fields": {
                    "evergreen": bool(j.evergreen[i]),
                    "employment_type": j.employment_type[i],
                },
            }
        )
    return records


def job_stages(company: Company) -> list[dict]:
    s, j = company.stages, company.jobs
    offset = OFFICE_OFFSETS[j.office[s.job]]
    created = iso(j.created_at[s.job], offset)
    interviews: dict[int, list[dict]] = {}
    for iv_id, row, name in zip(
        s.interview_id.tolist(), s.interview_stage.tolist(), s.interview_name, strict=True
    ):
        interviews.setdefault(row, []).append({"id": iv_id, "name": name})
    return [
        {
            "id": int(s.id[r]),
            "job_id": int(j.id[s.job[r]]),
            "name": s.kind[r],
            "priority": int(s.priority[r]),
            "created_at": created[r],
            "updated_at": created[r],
            "interviews": interviews.get(r, []),
        }
        for r in range(s.id.size)
    ]


def applications(company: Company, apps: Applications, last_activity: np.ndarray) -> list[dict]:
    j, s, users = company.jobs, company.stages, company.users
    off = apps.offset
    applied = iso(np.where(apps.prospect, NULL, apps.started_at), off)
    rejected = iso(np.where(apps.status == 1, apps.ended_at, NULL), off)
    last = iso(last_activity, off)
    current = apps.current_position()
    reasons = rejection_reasons()
    source_objs = [
        {"id": ID_BASE["source"] + i, "public_name": src[0]} for i, src in enumerate(SOURCES)
    ]
    job_objs = [{"id": int(j.id[i]), "name": j.name[i]} for i in range(j.id.size)]
    names = users.name
    candidate_ids = apps.candidate_id  # a computed column: build it once, not per row
    records = []
    for a in range(apps.id.size):
        job = int(apps.job[a])
        pos = int(current[a])
        reason = int(apps.reason[a])
        stage_row = int(apps.stage[a, pos]) if pos >= 0 else -1
        records.append(
            {
                "id": int(apps.id[a]),
                "candidate_id": int(candidate_ids[a]),
                "prospect": bool(apps.prospect[a]),
                "applied_at": applied[a],
                "rejected_at": rejected[a],
                "last_activity_at": last[a],
                "source": source_objs[apps.source[a]],
                "credited_to": {
                    "id": int(users.id[apps.credited_to[a]]),
                    "name": names[apps.credited_to[a]],
                },
                "rejection_reason": None
                if reason < 0
                else {
                    "id": reasons[reason]["id"],
                    "name": reasons[reason]["name"],
                    "type": reasons[reason]["type"],
                },
                "jobs": [job_objs[job]] if job >= 0 else [],
                "status": STATUS_NAMES[apps.status[a]],
                "current_stage": None
                if stage_row < 0
                else {"id": int(s.id[stage_row]), "name": s.kind[stage_row]},
            }
        )
    return records


def application_stages(company: Company, apps: Applications) -> list[dict]:
    a, k = np.nonzero(apps.visited)
    row = apps.stage[a, k]
    off = apps.offset[a]
    entered = iso(apps.entered[a, k], off)
    exited = iso(apps.exited[a, k], off)
    ids, kinds = company.stages.id, company.stages.kind
    return [
        {
            "application_id": app_id,
            "stage_id": int(ids[r]),
            "stage_name": kinds[r],
            "entered_at": e,
            "exited_at": x,
        }
        for app_id, r, e, x in zip(apps.id[a].tolist(), row.tolist(), entered, exited, strict=True)
    ]


def candidates(
    apps: Applications, last_activity: np.ndarray, rng: np.random.Generator
) -> list[dict]:
    n = int(apps.candidate.max()) + 1
    first_app = np.full(n, apps.id.size)
    np.minimum.at(first_app, apps.candidate, np.arange(apps.id.size))
    created = apps.started_at[first_app] - rng.integers(5, 600, n)
    updated = np.zeros(n, dtype=np.int64)
    np.maximum.at(updated, apps.candidate, last_activity)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    phone = rng.integers(0, 10_000_000, n)
    created_iso, updated_iso = iso(created, 0, millis=True), iso(updated, 0, millis=True)
    order = np.argsort(apps.candidate, kind="stable")
    app_ids = np.split(apps.id[order], np.cumsum(np.bincount(apps.candidate, minlength=n))[:-1])
    records = []
    for c in range(n):
        fn, ln = FIRST_NAMES[first[c]], LAST_NAMES[last[c]]
        cid = ID_BASE["candidate"] + c
        records.append(
            {
                "id": cid,
                "first_name": fn,
                "last_name": ln,
                "created_at": created_iso[c],
                "updated_at": updated_iso[c],
                "email_addresses": [
                    {"value": f"{fn.lower()}.{ln.lower()}.{cid}@example.net", "type": "personal"}
                ],
                "phone_numbers": [{"value": f"+1 555 {phone[c]:07d}", "type": "mobile"}],
                "application_ids": app_ids[c].tolist(),
            }
        )
    return records


def scheduled_interviews(
    company: Company, apps: Applications, ivs: Interviews
) -> tuple[list[dict], list[dict]]:
    """Scheduled interviews and the scorecards submitted for them."""
    users, stages, j = company.users, company.stages, company.jobs
    names, emails = users.name, users.email
    off = apps.offset[ivs.app]
    start, end = iso(ivs.start, off), iso(ivs.end, off)
    created = iso(ivs.created_at, off)
    has_card = ivs.submitted_at != NULL
    card_id = np.full(ivs.iv.size, -1)
    card_id[has_card] = ID_BASE["scorecard"] + np.arange(has_card.sum())
    last_card = np.full(ivs.app.size, NULL, dtype=np.int64)
    np.maximum.at(last_card, ivs.iv, ivs.submitted_at)
    updated = iso(
        np.maximum.reduce([ivs.created_at, np.where(ivs.end < END, ivs.end, NULL), last_card]), off
    )
    submitted = iso(ivs.submitted_at, apps.offset[ivs.app[ivs.iv]])
    status = ivs.status
    panel: list[list[dict]] = [[] for _ in range(ivs.app.size)]
    for i, u, c in zip(ivs.iv.tolist(), ivs.user.tolist(), card_id.tolist(), strict=True):
        panel[i].append(
            {
                "id": int(users.id[u]),
                "name": names[u],
                "email": emails[u],
                "response_status": "accepted",
                "scorecard_id": c if c >= 0 else None,
            }
        )
    coordinator = j.coordinator[apps.job[ivs.app]]
    interview_objs = [
        {"id": int(i), "name": n}
        for i, n in zip(stages.interview_id.tolist(), stages.interview_name, strict=True)
    ]
    app_ids = apps.id[ivs.app].tolist()
    interviews = [
        {
            "id": ID_BASE["scheduled_interview"] + i,
            "application_id": app_ids[i],
            "created_at": created[i],
            "updated_at": updated[i],
            "start": {"date_time": start[i]},
            "end": {"date_time": end[i]},
            "status": status[i],
            "interview": interview_objs[ivs.stage_interview[i]],
            "organizer": {"id": int(users.id[coordinator[i]]), "name": names[coordinator[i]]},
            "interviewers": panel[i],
        }
        for i in range(ivs.app.size)
    ]
    cand = apps.candidate_id
    cards = []
    for r in np.flatnonzero(has_card).tolist():
        i, u = int(ivs.iv[r]), int(ivs.user[r])
        person = {"id": int(users.id[u]), "name": names[u]}
        cards.append(
            {
                "id": int(card_id[r]),
                "application_id": app_ids[i],
                "candidate_id": int(cand[ivs.app[i]]),
                "interview": interview_objs[ivs.stage_interview[i]]["name"],
                "interview_step": interview_objs[ivs.stage_interview[i]],
                "interviewed_at": start[i],
                "submitted_at": submitted[r],
                "submitted_by": person,
                "interviewer": person,
                "overall_recommendation": RECOMMENDATIONS[ivs.recommendation[r]],
                "created_at": submitted[r],
                "updated_at": submitted[r],
            }
        )
    return interviews, cards


# EEOC categories as Greenhouse lists them; each has its own "decline" answer.
RACES = (
    "White",
    "Black or African American",
    "Hispanic or Latino",
    "Asian",
    "Two or More Races",
    "Native Hawaiian or Other Pacific Islander",
    "American Indian or Alaskan Native",
    "Decline To Self Identify",
)
RACE_P = (0.38, 0.12, 0.14, 0.2, 0.04, 0.01, 0.01, 0.10)
GENDERS = ("Male", "Female", "Decline To Self Identify")
GENDER_DECLINE = 0.08  # the rest answer with the gender the simulation gave them
VETERAN = (
    "I am not a protected veteran",
    "I identify as one or more of the classifications of protected veteran",
    "I don't wish to answer",
)
VETERAN_P = (0.86, 0.06, 0.08)
DISABILITY = (
    "No, I don't have a disability",
    "Yes, I have a disability (or previously had a disability)",
    "I don't wish to answer",
)
DISABILITY_P = (0.84, 0.07, 0.09)
EEOC_SHARE = 0.5
UNANSWERED_QUESTION = 0.06


def demographics(apps: Applications, rng: np.random.Generator) -> list[dict]:
    """Self-identification from applicants who answered the voluntary EEOC form."""
    rows = np.flatnonzero(~apps.prospect & (rng.random(apps.id.size) < EEOC_SHARE))
    n = rows.size
    submitted = iso(apps.started_at[rows] + rng.integers(60, 900, n), apps.offset[rows])

    def answers(options, pick, base, key):
        skip = rng.random(n) < UNANSWERED_QUESTION
        return [
            None if s else {"id": base + int(i), key: options[i]}
            for i, s in zip(pick, skip, strict=True)
        ]

    def drawn(options, p):
        return rng.choice(len(options), n, p=p)

    race = answers(RACES, drawn(RACES, RACE_P), 1, "description")
    declines = rng.random(n) < GENDER_DECLINE
    said = np.where(declines, GENDERS.index("Decline To Self Identify"), apps.female[rows])
    gender = answers(GENDERS, said, 1, "description")
    veteran = answers(VETERAN, drawn(VETERAN, VETERAN_P), 1, "message")
    disability = answers(DISABILITY, drawn(DISABILITY, DISABILITY_P), 1, "description")
    cand = apps.candidate_id
    return [
        {
            "application_id": int(apps.id[a]),
            "candidate_id": int(cand[a]),
            "submitted_at": submitted[i],
            "race": race[i],
            "gender": gender[i],
            "veteran_status": veteran[i],
            "disability_status": disability[i],
        }
        for i, a in enumerate(rows.tolist())
    ]
