"""The company's fixed calendar and how its timestamps are written.

Times are int64 seconds since the Unix epoch (UTC) so whole columns can be
shifted and compared at once; `NULL` marks a missing time. Each event is
rendered in the local offset of the office it happened in, which is how
exports mix `Z`, `-08:00` and `+05:30`.
"""

from __future__ import annotations

import numpy as np

DAY = 86_400
HOUR = 3_600
NULL = np.iinfo(np.int64).min


def epoch(text: str) -> int:
    return int(np.datetime64(text, "s").astype(np.int64))


START = epoch("2025-05-01T00:00:00")
# The export was taken at the close of 2026-10-31 UTC; nothing happens after it.
END = epoch("2026-11-01T00:00:00")


def weekday(epoch_day: np.ndarray) -> np.ndarray:
    """Monday = 0 (1970-01-01 was a Thursday)."""
    return (epoch_day + 3) % 7


def offset_suffix(minutes: int) -> str:
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def iso(ts: np.ndarray, offset_min: np.ndarray | int = 0, *, millis: bool = False) -> list:
    """ISO 8601 text in the given local offset; None where the time is NULL."""
    ts = np.asarray(ts, dtype=np.int64)
    if ts.size == 0:
        return []
    offset = np.broadcast_to(np.asarray(offset_min, dtype=np.int64), ts.shape)
    missing = ts == NULL
    local = np.where(missing, 0, ts + offset * 60).astype("datetime64[s]")
    text = np.datetime_as_string(local, unit="ms" if millis else "s")
    codes, inverse = np.unique(offset, return_inverse=True)
    suffixes = np.array([offset_suffix(int(c)) for c in codes])[inverse.reshape(offset.shape)]
    out = np.char.add(text, suffixes).astype(object)
    out[missing] = None
    return out.tolist()


def local_day(ts: np.ndarray, offset_min: np.ndarray | int = 0) -> np.ndarray:
    """Epoch day of the local calendar date."""
    return (np.asarray(ts, dtype=np.int64) + np.asarray(offset_min, dtype=np.int64) * 60) // DAY


def iso_date(epoch_day: np.ndarray) -> list:
    """YYYY-MM-DD for epoch days; None where NULL."""
    days = np.asarray(epoch_day, dtype=np.int64)
    if days.size == 0:
        return []
    missing = days == NULL
    out = np.datetime_as_string(np.where(missing, 0, days).astype("datetime64[D]")).astype(object)
    out[missing] = None
    return out.tolist()


def next_weekday(epoch_day: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays to the following Monday."""
    wd = weekday(epoch_day)
    return epoch_day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def business_moment(
    after: np.ndarray,
    days: np.ndarray,
    offset_min: np.ndarray,
    rng: np.random.Generator,
    hours: tuple[int, int] = (9, 18),
) -> np.ndarray:
    """A working-hours moment `days` local days after `after`, always later than it.

    People act during their office's working day, so a 17:30 action in
    San Francisco lands on the next UTC date: the midnight cases come for free.
    """
    after = np.asarray(after, dtype=np.int64)
    offset = np.asarray(offset_min, dtype=np.int64) * 60
    day = next_weekday((after + offset) // DAY + np.asarray(days, dtype=np.int64))
    time_of_day = rng.integers(hours[0] * 12, hours[1] * 12, size=after.shape) * 300
    moment = day * DAY + time_of_day - offset
    nudge = rng.integers(10, 120, size=after.shape) * 60
    return np.where(moment > after, moment, after + nudge)


def lognormal_days(
    rng: np.random.Generator, median: np.ndarray, sigma: float, size=None
) -> np.ndarray:
    """Whole days with the given median: how long people take to act."""
    median = np.asarray(median, dtype=float)
    shape = size if size is not None else median.shape
    return np.floor(np.exp(np.log(np.maximum(median, 0.05)) + sigma * rng.standard_normal(shape)))
