"""Offers: versions, decisions and start dates, and their Harvest records.

An application that reaches the Offer stage gets one offer, sometimes revised
(older versions become `deprecated`). Whether the candidate accepts depends on
the job's hiring practices, on how much its hiring manager talked in the
interviews and on how long the process took.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .company import ID_BASE
from .times import NULL, business_moment, iso, iso_date, local_day, next_weekday

MAX_VERSIONS = 3
# Candidates who sat through a talkative hiring manager accept a little less often.
TALK_ACCEPT_EFFECT = 0.1
# ... and a manager with the practices makes offers that are accepted more often.
PRACTICE_ACCEPT_EFFECT = 0.35


@dataclass
class OfferDraft:
    created: np.ndarray  # (offers, MAX_VERSIONS) creation time per version, NULL padding
    resolved: np.ndarray  # when the candidate answered the latest version
    accepted: np.ndarray
    decided: np.ndarray  # when the application left the Offer stage (hired or rejected)
    start_day: np.ndarray  # epoch day the hire starts work


def draft_offers(
    entered: np.ndarray,
    offset: np.ndarray,
    practice: np.ndarray,
    manager_talk: np.ndarray,
    elapsed_days: np.ndarray,
    rng: np.random.Generator,
) -> OfferDraft:
    n = entered.size
    versions = rng.choice([1, 2, 3], n, p=[0.74, 0.2, 0.06])
    created = np.full((n, MAX_VERSIONS), NULL, dtype=np.int64)
    at = business_moment(entered, rng.integers(0, 3, n), offset, rng)
    for v in range(MAX_VERSIONS):
        has = versions > v
        created[has, v] = at[has]
        at = np.where(has, business_moment(at, rng.integers(1, 5, n), offset, rng), at)
    latest = created[np.arange(n), versions - 1]
    resolved = business_moment(latest, np.floor(rng.exponential(2.5, n)).astype(int), offset, rng)
    p_accept = (
        0.86
        + PRACTICE_ACCEPT_EFFECT * (practice - 0.5)
        - TALK_ACCEPT_EFFECT * (manager_talk - 0.35)
        - 0.12 * (elapsed_days > 45)
        + rng.normal(0, 0.05, n)
    )
    accepted = rng.random(n) < np.clip(p_accept, 0.2, 0.97)
    decided = business_moment(resolved, rng.integers(0, 2, n), offset, rng)
    start_day = next_weekday(local_day(resolved, offset) + rng.integers(14, 43, n))
    return OfferDraft(created, resolved, accepted, decided, start_day)


def offer_records(apps, jobs, openings) -> list[dict]:
    """One record per offer version, in application then version order."""
    with_offer = np.flatnonzero(apps.offer_row >= 0)
    offers = apps.offers
    created = offers.created[apps.offer_row[with_offer]]
    made = created != NULL
    r, v = np.nonzero(made)
    app, o = with_offer[r], apps.offer_row[with_offer[r]]
    latest = v == made.sum(axis=1)[r] - 1
    resolved = offers.resolved[o]
    status = np.where(
        ~latest,
        "deprecated",
        np.where(
            resolved == NULL, "unresolved", np.where(offers.accepted[o], "accepted", "rejected")
        ),
    ).tolist()
    replaced_by = created[r, np.minimum(v + 1, MAX_VERSIONS - 1)]
    updated = np.where(latest, np.where(resolved != NULL, resolved, created[r, v]), replaced_by)
    off = apps.offset[app]
    created_iso, updated_iso = iso(created[r, v], off), iso(updated, off)
    resolved_iso = iso(np.where(latest, resolved, NULL), off)
    sent = iso_date(local_day(created[r, v], off))
    starts = iso_date(offers.start_day[o])
    app_ids, cand_ids, job_ids = (
        apps.id[app].tolist(),
        apps.candidate_id[app].tolist(),
        jobs.id[apps.job[app]].tolist(),
    )
    app_list = app.tolist()
    return [
        {
            "id": ID_BASE["offer"] + i,
            "version": int(v[i]) + 1,
            "application_id": app_ids[i],
            "job_id": job_ids[i],
            "candidate_id": cand_ids[i],
            "opening": openings.for_offer(app_list[i]),
            "created_at": created_iso[i],
            "updated_at": updated_iso[i],
            "sent_at": sent[i],
            "resolved_at": resolved_iso[i],
            "starts_at": starts[i],
            "status": status[i],
            "custom_fields": {"employment_type": jobs.employment_type[apps.job[app_list[i]]]},
        }
        for i in range(r.size)
    ]
