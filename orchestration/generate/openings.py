"""When jobs close, and the openings each job's hires fill.

A job stops taking applications at the end of its window; it closes once that
window is over and every offer it made has been answered. Applications still in
progress then are rejected ("Position filled"). Each accepted offer fills its
own opening, in the order offers were accepted; jobs still open at export time
carry one more opening nobody has filled yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .applications import Applications
from .company import ID_BASE, OFFICE_OFFSETS, Jobs
from .times import END, NULL, business_moment


def job_close_times(jobs: Jobs, apps: Applications, rng: np.random.Generator) -> np.ndarray:
    """Close time per job; NULL when the job is still open (or a draft) at export time."""
    last = jobs.window_end.copy()
    with_offer = np.flatnonzero((apps.offer_row >= 0) & apps.has_job)
    decided = apps.offers.decided[apps.offer_row[with_offer]]
    np.maximum.at(last, apps.job[with_offer], decided)
    job_offset = OFFICE_OFFSETS[jobs.office]
    close = business_moment(last, np.ones(jobs.id.size, dtype=np.int64), job_offset, rng)
    still_open = jobs.stays_open | jobs.draft | (close >= END)
    return np.where(still_open, NULL, close)


@dataclass
class Openings:
    id: np.ndarray
    job: np.ndarray
    label: list[str]  # Greenhouse's human opening_id, e.g. "600012-2"
    opened_at: np.ndarray
    closed_at: np.ndarray  # NULL while open
    application: np.ndarray  # filling application index, -1
    close_reason: np.ndarray  # index into OPENING_CLOSE_REASONS, -1
    offer_opening: np.ndarray  # per application with an offer: opening row named on it

    def ref(self, row: int) -> dict:
        return {"id": int(self.id[row]), "opening_id": self.label[row]}

    def for_offer(self, app: int) -> dict | None:
        row = int(self.offer_opening[app])
        return self.ref(row) if row >= 0 else None


def build_openings(
    jobs: Jobs, apps: Applications, closed_at: np.ndarray, rng: np.random.Generator
) -> Openings:
    offers = apps.offers
    has_offer = apps.offer_row >= 0
    accepted = np.zeros(apps.id.size, dtype=bool)
    accepted[has_offer] = offers.accepted[apps.offer_row[has_offer]] & (
        offers.resolved[apps.offer_row[has_offer]] != NULL
    )
    resolved = np.full(apps.id.size, NULL, dtype=np.int64)
    resolved[has_offer] = offers.resolved[apps.offer_row[has_offer]]
    first_offer = np.full(apps.id.size, NULL, dtype=np.int64)
    first_offer[has_offer] = offers.created[apps.offer_row[has_offer], 0]

    job_of, opened, closed, filler, reason = [], [], [], [], []
    offer_opening = np.full(apps.id.size, -1)
    for j in range(jobs.id.size):
        hires = np.flatnonzero(accepted & (apps.job == j))
        hires = hires[np.argsort(resolved[hires], kind="stable")]
        still_open = closed_at[j] == NULL
        extra = 1 if still_open or hires.size == 0 else 0
        first = len(job_of)
        count = hires.size + extra
        fill_time = np.where(apps.ended_at[hires] != NULL, apps.ended_at[hires], resolved[hires])
        job_opened = jobs.opened_at[j]
        if jobs.evergreen[j]:  # a pipeline job reopens a seat each time one is filled
            starts = np.concatenate([[job_opened], fill_time])[:count]
            # hires accepted in parallel: a seat is open by the time its offer is accepted
            starts[: hires.size] = np.minimum(starts[: hires.size], resolved[hires])
        else:
            starts = np.full(count, job_opened)
        job_of += [j] * count
        opened += starts.tolist()
        closed += fill_time.tolist() + [NULL if still_open else int(closed_at[j])] * extra
        filler += hires.tolist() + [-1] * extra
        reason += rng.integers(0, 2, hires.size).tolist() + [-1 if still_open else 2] * extra
        # Offers name the first opening not yet filled when they were made.
        with_offer = np.flatnonzero(has_offer & (apps.job == j))
        made = first_offer[with_offer]
        slot = np.searchsorted(np.sort(resolved[hires]), made, side="right")
        slot = np.minimum(slot, count - 1)
        offer_opening[with_offer] = first + slot
        offer_opening[hires] = first + np.arange(hires.size)
    n = len(job_of)
    job_arr = np.array(job_of, dtype=np.int64)
    seq = np.zeros(n, dtype=np.int64)
    for j in np.unique(job_arr):
        idx = np.flatnonzero(job_arr == j)
        seq[idx] = np.arange(1, idx.size + 1)
    return Openings(
        id=ID_BASE["opening"] + np.arange(n),
        job=job_arr,
        label=[f"{jobs.id[j] % 10_000}-{s}" for j, s in zip(job_of, seq.tolist(), strict=True)],
        opened_at=np.array(opened, dtype=np.int64),
        closed_at=np.array(closed, dtype=np.int64),
        application=np.array(filler, dtype=np.int64),
        close_reason=np.array(reason, dtype=np.int64),
        offer_opening=offer_opening,
    )
