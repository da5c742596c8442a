"""The acquired company's hiring on Lever: ids, and API objects as Lever returns them.

The company simulation does not know which ATS a job lives in: jobs of the
acquired departments (`Department.ats == "lever"`) go through the same funnel,
manager traits and offer model as every other job. This module only decides
whose record each simulated object becomes and writes the Lever side:

- a job is a posting, each of its openings a requisition (headcount 1);
- an application is an opportunity (the candidacy) plus its one application
  (the link to the posting); a candidate is a contact;
- a stage stay is an entry of the opportunity's `stageChanges`; an ended
  application is archived with a reason (`Hired` for a hire, at the hire);
- an offer is one Lever offer (Lever edits an offer in place: no versions);
- a scheduled interview is an interview, a scorecard a feedback form.

Lever lists interviews, feedback and offers per opportunity, so the export
script that saved them adds `opportunityId` to each (docs/export-format.md).
Ids are UUIDs drawn from their own generator (seeded from the export's seed);
timestamps are epoch milliseconds, UTC.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np

from .applications import HIRED, Applications
from .company import (
    DEPARTMENTS,
    ID_BASE,
    OFFICES,
    REJECTION_REASONS,
    SOURCES,
    THEY_REJECTED,
    Company,
)
from .interviews import Interviews
from .names import FIRST_NAMES, LAST_NAMES
from .openings import Openings
from .times import DAY, HOUR, NULL

# Lever has one pipeline for the whole account. Built-in stages have fixed ids;
# stages an account adds get UUIDs. (id or None, text, simulated stage kind)
LEVER_PIPELINE = (
    ("lead-new", "New lead", None),
    ("lead-reached-out", "Reached out", None),
    ("lead-responded", "Responded", None),
    ("applicant-new", "New applicant", "Application Review"),
    (None, "Recruiter screen", "Recruiter Screen"),
    (None, "Phone interview", "Phone Interview"),
    (None, "Technical interview", "Technical Interview"),
    (None, "On-site interview", "Onsite"),
    (None, "Reference check", "Reference Check"),
    ("offer", "Offer", "Offer"),
)
LEAD_STAGE = 0  # a sourced prospect's first stay is "New lead", not "New applicant"

# Archive reasons: (text, status). Fixed for every seed, like the stages.
HIRED_REASON = "Hired"
ARCHIVE_REASONS = (
    (HIRED_REASON, "hired"),
    ("Underqualified", "non-hired"),
    ("Not a fit", "non-hired"),
    ("Went with another candidate", "non-hired"),
    ("Position closed", "non-hired"),
    ("Unresponsive", "non-hired"),
    ("Withdrew", "non-hired"),
    ("Accepted another offer", "non-hired"),
    ("Offer declined", "non-hired"),
)
# The simulation's end reasons (company.REJECTION_REASONS) in this account's words.
REASON_TEXT = {
    "Lacking skill(s)/qualification(s)": "Underqualified",
    "Not a culture fit": "Not a fit",
    "Underqualified": "Underqualified",
    "Another candidate was selected": "Went with another candidate",
    "Position filled": "Position closed",
    "Withdrew - personal reasons": "Withdrew",
    "Accepted another offer": "Accepted another offer",
    "Compensation": "Withdrew",
    "Not interested in the role": "Withdrew",
    "Other (add notes below)": "Unresponsive",
}
OFFER_DECLINED = "Offer declined"  # any candidate-side end at the Offer stage

ORIGIN = {"Referral": "referred", "Agency": "agency"}  # others: applied, or sourced
FEEDBACK_RATING = ("1 - Strong No Hire", "2 - No Hire", "3 - Hire", "4 - Strong Hire", None)
ACCESS_ROLE = {"recruiter": "admin", "interviewer": "interviewer"}  # others: "team member"

# Catalogue ids do not depend on the seed: an account's configuration.
_NAMESPACE = uuid.UUID("6f1c2d1e-93a4-4c1b-8f4e-2f5b1a7c9d30")


def _fixed_id(kind: str, text: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{text}"))


STAGE_IDS = tuple(sid or _fixed_id("stage", text) for sid, text, _ in LEVER_PIPELINE)
REASON_IDS = {text: _fixed_id("archive_reason", text) for text, _ in ARCHIVE_REASONS}


def uuids(rng: np.random.Generator, n: int) -> list[str]:
    """Random (version 4) UUIDs as text, all from `rng`."""
    raw = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    h = raw.tobytes().hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-"
        f"{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


def ms(ts: np.ndarray) -> list:
    """Epoch milliseconds; None where NULL. The milliseconds are a fixed function of
    the second, so equal times stay equal and order is kept."""
    ts = np.asarray(ts, dtype=np.int64)
    out = (ts * 1000 + (ts * 7919) % 1000).astype(object)
    out[ts == NULL] = None
    return out.tolist()


@dataclass
class Refs:
    """Which ATS holds each simulated object and its id there: an int Greenhouse id
    or a Lever UUID. The people files point at objects through these."""

    job_lever: np.ndarray
    app_lever: np.ndarray
    opening_lever: np.ndarray
    interview_lever: np.ndarray
    user_lever: np.ndarray
    job: np.ndarray  # object: Greenhouse job id | Lever posting id
    app: np.ndarray  # Greenhouse application id | Lever application id
    opening: np.ndarray  # Greenhouse opening id | Lever requisition id
    interview: np.ndarray  # Greenhouse scheduled interview id | Lever interview id
    user: np.ndarray  # Greenhouse user id | Lever user id
    opportunity: np.ndarray  # per application: Lever opportunity id (None elsewhere)
    contact: dict[int, str]  # candidate index -> Lever contact id
    feedback: np.ndarray  # per interviewer row: Lever feedback id (None elsewhere)
    offer: np.ndarray  # per application: Lever offer id (None elsewhere)

    @staticmethod
    def system(lever: np.ndarray) -> list[str]:
        return np.where(lever, "lever", "greenhouse").tolist()


def build_refs(
    company: Company,
    apps: Applications,
    openings: Openings,
    ivs: Interviews,
    rng: np.random.Generator,
) -> Refs:
    job_lever = company.jobs.lever
    app_lever = apps.has_job & job_lever[np.maximum(apps.job, 0)]
    opening_lever = job_lever[openings.job]
    interview_lever = app_lever[ivs.app]
    user_lever = company.users.lever

    def mixed(greenhouse_ids: np.ndarray, lever: np.ndarray) -> np.ndarray:
        out = np.asarray(greenhouse_ids, dtype=np.int64).astype(object)
        out[lever] = uuids(rng, int(lever.sum()))
        return out

    def lever_only(lever: np.ndarray) -> np.ndarray:
        out = np.full(lever.size, None, dtype=object)
        out[lever] = uuids(rng, int(lever.sum()))
        return out

    lever_candidates = np.unique(apps.candidate[app_lever]).tolist()
    has_card = ivs.submitted_at != NULL
    return Refs(
        job_lever=job_lever,
        app_lever=app_lever,
        opening_lever=opening_lever,
        interview_lever=interview_lever,
        user_lever=user_lever,
        job=mixed(company.jobs.id, job_lever),
        app=mixed(apps.id, app_lever),
        opening=mixed(openings.id, opening_lever),
        interview=mixed(ID_BASE["scheduled_interview"] + np.arange(ivs.app.size), interview_lever),
        user=mixed(company.users.id, user_lever),
        opportunity=lever_only(app_lever),
        contact=dict(zip(lever_candidates, uuids(rng, len(lever_candidates)), strict=True)),
        feedback=lever_only(interview_lever[ivs.iv] & has_card),
        offer=lever_only(app_lever & (apps.offer_row >= 0)),
    )


def _requisition_code(row: int) -> str:
    return f"NW-{row:04d}"


def lever_objects(
    company: Company,
    apps: Applications,
    ivs: Interviews,
    openings: Openings,
    closed_at: np.ndarray,
    last_activity: np.ndarray,
    refs: Refs,
    rng: np.random.Generator,
) -> dict[str, list[dict]]:
    """Every Lever object of the acquired company, by endpoint name."""
    users = _users(company, refs)
    postings, requisitions, req_code = _postings_and_requisitions(
        company, apps, openings, closed_at, last_activity, refs
    )
    opportunities, applications = _opportunities(
        company, apps, openings, last_activity, refs, req_code, rng
    )
    interviews, feedback = _interviews(company, apps, ivs, refs, rng)
    return {
        "opportunities": opportunities,
        "applications": applications,
        "postings": postings,
        "requisitions": requisitions,
        "stages": [
            {"id": sid, "text": t} for sid, (_, t, _) in zip(STAGE_IDS, LEVER_PIPELINE, strict=True)
        ],
        "archive_reasons": [
            {"id": REASON_IDS[text], "text": text, "status": status}
            for text, status in ARCHIVE_REASONS
        ],
        "interviews": interviews,
        "feedback": feedback,
        "offers": _offers(company, apps, refs, rng),
        "users": users,
    }


def _users(company: Company, refs: Refs) -> list[dict]:
    u = company.users
    rows = np.flatnonzero(u.lever)
    names, emails = u.name, u.email
    created = ms(u.created_at[rows])
    return [
        {
            "id": refs.user[i],
            "name": names[i],
            "username": emails[i].split("@")[0],
            "email": emails[i],
            "accessRole": ACCESS_ROLE.get(u.role[i], "team member"),
            "photo": None,
            "createdAt": c,
            "deactivatedAt": None,
            "externalDirectoryId": None,
        }
        for i, c in zip(rows.tolist(), created, strict=True)
    ]


def _postings_and_requisitions(company, apps, openings, closed_at, last_activity, refs):
    j = company.jobs
    jobs = np.flatnonzero(refs.job_lever)
    job_activity = np.full(j.id.size, NULL, dtype=np.int64)
    has = refs.app_lever
    np.maximum.at(job_activity, apps.job[has], last_activity[has])
    updated = np.maximum.reduce([j.created_at, j.opened_at, closed_at, job_activity])
    manager = company.managers.user[j.manager]
    reqs = np.flatnonzero(refs.opening_lever)
    req_code = {int(o): _requisition_code(n) for n, o in enumerate(reqs.tolist(), start=1)}
    codes_of_job: dict[int, list[str]] = {}
    for o in reqs.tolist():
        codes_of_job.setdefault(int(openings.job[o]), []).append(req_code[o])
    created, updated_ms = ms(j.created_at), ms(updated)

    def team(job: int) -> str:
        dept = DEPARTMENTS[j.department[job]]
        return dept.teams[int(j.id[job]) % len(dept.teams)]

    postings = [
        {
            "id": refs.job[i],
            "text": j.name[i],
            "createdAt": created[i],
            "updatedAt": updated_ms[i],
            "user": refs.user[j.recruiter[i]],
            "owner": refs.user[j.recruiter[i]],
            "hiringManager": refs.user[manager[i]],
            "confidentiality": "non-confidential",
            "categories": {
                "team": team(i),
                "department": DEPARTMENTS[j.department[i]].name,
                "location": OFFICES[j.office[i]][0],
                "commitment": j.employment_type[i],
            },
            "state": "published" if closed_at[i] == NULL else "closed",
            "tags": [],
            "requisitionCodes": codes_of_job.get(i, []),
        }
        for i in jobs.tolist()
    ]
    opened = ms(openings.opened_at)
    # Lever counts a hire when the opportunity is archived as hired: a signed offer whose
    # candidate is not archived yet leaves the requisition open.
    filler = openings.application
    hired = (filler >= 0) & (apps.status[np.maximum(filler, 0)] == HIRED)
    still_open = (openings.closed_at == NULL) | ((filler >= 0) & ~hired)
    requisitions = []
    for o in reqs.tolist():
        job = int(openings.job[o])
        requisitions.append(
            {
                "id": refs.opening[o],
                "requisitionCode": req_code[o],
                "name": j.name[job],
                "backfill": bool(openings.close_reason[o] == 1),
                "confidentiality": "non-confidential",
                "createdAt": opened[o],
                "creator": refs.user[j.recruiter[job]],
                "headcountHired": int(hired[o]),
                "headcountInfinite": False,
                "headcountTotal": 1,
                "hiringManager": refs.user[manager[job]],
                "owner": refs.user[j.recruiter[job]],
                "location": OFFICES[j.office[job]][0],
                "status": "open" if still_open[o] else "closed",
                "team": team(job),
                "department": DEPARTMENTS[j.department[job]].name,
                "employmentStatus": j.employment_type[job].lower(),
                "postings": [refs.job[job]],
            }
        )
    return postings, requisitions, req_code


def _archive_reason(apps: Applications, a: np.ndarray) -> list[str | None]:
    """The archive reason text per application (None while active)."""
    texts = []
    for status, reason, offer in zip(
        apps.status[a].tolist(), apps.reason[a].tolist(), apps.offer_row[a].tolist(), strict=True
    ):
        if status == HIRED:
            texts.append(HIRED_REASON)
        elif reason < 0:
            texts.append(None)
        elif offer >= 0 and REJECTION_REASONS[reason][1] == THEY_REJECTED:
            texts.append(OFFER_DECLINED)
        else:
            texts.append(REASON_TEXT[REJECTION_REASONS[reason][0]])
    return texts


def _opportunities(company, apps, openings, last_activity, refs, req_code, rng):
    j, stages = company.jobs, company.stages
    a = np.flatnonzero(refs.app_lever)
    n = a.size
    job = apps.job[a]
    kind_index = {kind: k for k, (_, _, kind) in enumerate(LEVER_PIPELINE) if kind}
    # pipeline position of each job stage (-1: a stage only Greenhouse plans use)
    stage_of_row = np.array([kind_index.get(k, -1) for k in stages.kind], dtype=np.int64)
    recruiter = refs.user[j.recruiter[job]]
    sourcer = refs.user[j.sourcer[job]]
    manager = refs.user[company.managers.user[j.manager[job]]]
    # one person per contact: a contact who applies twice keeps their name
    contacts, person = np.unique(apps.candidate[a], return_inverse=True)
    first = rng.integers(0, len(FIRST_NAMES), contacts.size)[person]
    last = rng.integers(0, len(LAST_NAMES), contacts.size)[person]
    phone = rng.integers(0, 10_000_000, contacts.size)[person]
    entered_ms = np.array(ms(apps.entered[a].ravel()), dtype=object).reshape(apps.entered[a].shape)
    reasons = _archive_reason(apps, a)
    ended = ms(apps.ended_at[a])
    started, updated = ms(apps.started_at[a]), ms(last_activity[a])
    filled = {int(app): int(o) for o, app in enumerate(openings.application.tolist()) if app >= 0}
    source_names = [s[0] for s in SOURCES]
    opportunities, applications = [], []
    for r in range(n):
        i = int(a[r])
        prospect = bool(apps.prospect[i])
        source = source_names[apps.source[i]]
        cand = int(apps.candidate[i])
        fn, ln = FIRST_NAMES[first[r]], LAST_NAMES[last[r]]
        changes = []
        for k in np.flatnonzero(apps.visited[i]).tolist():
            stage = int(stage_of_row[apps.stage[i, k]])
            if k == 0 and prospect:
                stage = LEAD_STAGE
            changes.append(
                {
                    "toStageId": STAGE_IDS[stage],
                    "toStageIndex": stage,
                    "updatedAt": entered_ms[r, k],
                    "userId": (sourcer[r] if prospect else None) if not changes else recruiter[r],
                }
            )
        archived = (
            None
            if reasons[r] is None
            else {"reason": REASON_IDS[reasons[r]], "archivedAt": ended[r]}
        )
        opp, app_id = refs.opportunity[i], refs.app[i]
        opportunities.append(
            {
                "id": opp,
                "name": f"{fn} {ln}",
                "contact": refs.contact[cand],
                "emails": [f"{fn.lower()}.{ln.lower()}.{cand % 100_000}@example.org"],
                "phones": [{"type": "mobile", "value": f"+44 7700 {phone[r]:07d}"}],
                "stage": changes[-1]["toStageId"],
                "stageChanges": changes,
                "archived": archived,
                "origin": "sourced" if prospect else ORIGIN.get(source, "applied"),
                "sources": [source],
                "owner": sourcer[r] if prospect else recruiter[r],
                "applications": [app_id],
                "createdAt": started[r],
                "updatedAt": updated[r],
                "lastAdvancedAt": changes[-1]["updatedAt"],
            }
        )
        o = filled.get(i)
        applications.append(
            {
                "id": app_id,
                "opportunityId": opp,
                "type": "user" if prospect else ("referral" if source == "Referral" else "posting"),
                "posting": refs.job[job[r]],
                "postingHiringManager": manager[r],
                "createdAt": started[r],
                "archived": archived,
                "requisitionForHire": None
                if o is None or reasons[r] != HIRED_REASON
                else {
                    "id": refs.opening[o],
                    "requisitionCode": req_code[o],
                    "hiringManagerOnHire": manager[r],
                },
            }
        )
    return opportunities, applications


# Share of Lever interviews that replace a booking cancelled in between (Lever keeps the
# cancelled one, with `canceledAt`; it expects no feedback).
CANCELLED_BOOKING_SHARE = 0.05


def _interviews(company, apps, ivs, refs, rng):
    users, stages = company.users, company.stages
    names, emails = users.name, users.email
    rows = np.flatnonzero(refs.interview_lever)
    kind_index = {kind: k for k, (_, _, kind) in enumerate(LEVER_PIPELINE) if kind}
    start, created = ms(ivs.start[rows]), ms(ivs.created_at[rows])
    submitted = ms(ivs.submitted_at)
    panel: dict[int, list[dict]] = {}
    forms: dict[int, list[str]] = {}
    feedback = []
    lever_rows = np.flatnonzero(refs.interview_lever[ivs.iv])
    for r in lever_rows.tolist():
        i, u = int(ivs.iv[r]), int(ivs.user[r])
        panel.setdefault(i, []).append({"id": refs.user[u], "name": names[u], "email": emails[u]})
        fid = refs.feedback[r]
        if fid is None:
            continue
        forms.setdefault(i, []).append(fid)
        feedback.append(
            {
                "id": fid,
                "opportunityId": refs.opportunity[ivs.app[i]],
                "type": "interview",
                "text": stages.interview_name[ivs.stage_interview[i]],
                "interview": refs.interview[i],
                "user": refs.user[u],
                "completedAt": submitted[r],
                "fields": [
                    {
                        "type": "score-system",
                        "text": "Rating",
                        "value": FEEDBACK_RATING[ivs.recommendation[r]],
                    }
                ],
            }
        )
    rebooked = rng.random(rows.size) < CANCELLED_BOOKING_SHARE
    # the first booking was for the same slot, called off between booking and slot
    cancel_at = ivs.created_at[rows] + (
        rng.uniform(0.2, 0.9, rows.size) * (ivs.start[rows] - ivs.created_at[rows])
    ).astype(np.int64)
    cancelled_ids = iter(uuids(rng, int(rebooked.sum())))
    cancelled_at = ms(cancel_at)
    interviews = []
    for n, i in enumerate(rows.tolist()):
        app = int(ivs.app[i])
        job = int(apps.job[app])
        stage_row = int(stages.interview_stage[ivs.stage_interview[i]])
        if rebooked[n]:
            interviews.append(
                {
                    "id": next(cancelled_ids),
                    "opportunityId": refs.opportunity[app],
                    "subject": stages.interview_name[ivs.stage_interview[i]],
                    "interviewers": panel.get(i, []),
                    "createdAt": created[n],
                    "date": start[n],
                    "duration": int(ivs.minutes[i]),
                    "stage": STAGE_IDS[kind_index[stages.kind[stage_row]]],
                    "canceledAt": cancelled_at[n],
                    "feedbackForms": [],
                    "postings": [refs.job[job]],
                }
            )
        interviews.append(
            {
                "id": refs.interview[i],
                "opportunityId": refs.opportunity[app],
                "subject": stages.interview_name[ivs.stage_interview[i]],
                "interviewers": panel.get(i, []),
                "createdAt": created[n],
                "date": start[n],
                "duration": int(ivs.minutes[i]),
                "stage": STAGE_IDS[kind_index[stages.kind[stage_row]]],
                "canceledAt": None,
                "feedbackForms": forms.get(i, []),
                "postings": [refs.job[job]],
            }
        )
    return interviews, feedback


def _offers(company, apps, refs, rng) -> list[dict]:
    """One offer per application that got one: drafted when the Offer stage began,
    approved, sent with its final terms; `signed` or `denied` once answered."""
    j = company.jobs
    a = np.flatnonzero(refs.app_lever & (apps.offer_row >= 0))
    o = apps.offer_row[a]
    offers = apps.offers
    made = offers.created[o] != NULL
    a, o, made = a[made[:, 0]], o[made[:, 0]], made[made[:, 0]]
    if a.size == 0:
        return []
    first = offers.created[o, 0]
    latest = offers.created[o, made.sum(axis=1) - 1]
    entered = apps.entered[a, apps.furthest[a]]
    created = entered + (first - entered) // 3
    approved = np.maximum(entered + 2 * (first - entered) // 3, created + HOUR // 4)
    approved = np.minimum(approved, latest)
    resolved = offers.resolved[o]
    opened = rng.random(a.size) < 0.6
    status = np.where(
        resolved == NULL,
        np.where(opened, "opened", "sent"),
        np.where(offers.accepted[o], "signed", "denied"),
    ).tolist()
    start_ms = (offers.start_day[o] * DAY * 1000).tolist()  # a date: midnight UTC
    created_ms, approved_ms, sent_ms = ms(created), ms(approved), ms(latest)
    job = apps.job[a]
    return [
        {
            "id": refs.offer[i],
            "opportunityId": refs.opportunity[i],
            "posting": refs.job[job[r]],
            "createdAt": created_ms[r],
            "status": status[r],
            "creator": refs.user[j.recruiter[job[r]]],
            "approvalStatus": "approved",
            "approvedAt": approved_ms[r],
            "sentAt": sent_ms[r],
            "fields": [
                {
                    "text": "Anticipated start date",
                    "identifier": "anticipated_start_date",
                    "value": start_ms[r],
                }
            ],
        }
        for r, i in enumerate(a.tolist())
    ]
