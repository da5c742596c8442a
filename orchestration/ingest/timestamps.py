"""The one rule for timestamps and dates in an export.

Validation and conversion are the same step: a value this module converts is
stored typed (UTC `TIMESTAMP`, or `DATE`) in the raw table, and a value it
cannot convert is quarantined with its field. dbt never parses a timestamp, so
nothing that passed validation can fail the build, and DuckDB and Spark read
the same values.

Accepted timestamps (ISO 8601, extended or basic form):
  2026-02-12T23:30:00-08:00   2026-02-13T07:30:00.123Z   2026-02-13 07:30:00 +05:45
  20260213T073000Z            2026-02-13T07             2026-02-13 (midnight)
A missing offset means UTC. Epoch milliseconds (Lever) are a type of their own.
Dates: `YYYY-MM-DD`; a full timestamp where a date is expected keeps its
calendar date as written (the date part, before any offset is applied).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_TIMESTAMP = re.compile(
    r"""^\s*
    (?P<y>\d{4})(?P<s1>-?)(?P<mo>\d{2})(?P=s1)(?P<d>\d{2})
    (?:[T\x20]
        (?P<h>\d{2})
        (?:(?P<s2>:?)(?P<mi>\d{2})
            (?:(?P=s2)(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
        )?
    )?
    \s*(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?
    \s*$""",
    re.VERBOSE,
)

# Canonical text of a UTC timestamp, for timestamps nested in JSON columns:
# DuckDB and Spark both cast it to the same `timestamp`.
CANONICAL_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def _strings(values: pd.Series) -> pd.Series:
    kinds = values.map(type)
    return values.where(kinds.isin((str,)), None).astype("string")


def _parts(values: pd.Series) -> pd.DataFrame:
    return _strings(values).str.extract(_TIMESTAMP.pattern, flags=re.VERBOSE)


def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 text -> naive UTC datetime64; anything else -> NaT."""
    parts = _parts(values)
    fraction = parts["f"].fillna("0").str.ljust(6, "0").str[:6]
    local = (
        parts["y"]
        + "-"
        + parts["mo"]
        + "-"
        + parts["d"]
        + "T"
        + parts["h"].fillna("00")
        + ":"
        + parts["mi"].fillna("00")
        + ":"
        + parts["s"].fillna("00")
        + "."
        + fraction
    )
    parsed = pd.to_datetime(local, format=CANONICAL_FORMAT, errors="coerce")
    tz = parts["tz"].fillna("Z").str.upper().str.replace(":", "", regex=False)
    is_utc = tz == "Z"
    sign = tz.str[0].map({"+": 1, "-": -1})
    hours = pd.to_numeric(tz.str[1:3], errors="coerce")
    minutes = pd.to_numeric(tz.str[3:5].replace("", "0"), errors="coerce").fillna(0)
    valid_offset = is_utc | ((hours <= 18) & (minutes < 60))
    offset_minutes = (sign * (hours * 60 + minutes)).where(~is_utc, 0)
    utc = parsed - pd.to_timedelta(offset_minutes.astype("Float64").fillna(0), unit="min")
    return utc.where(valid_offset.fillna(False).astype(bool)).astype("datetime64[us]")


def parse_dates(values: pd.Series) -> pd.Series:
    """A calendar date as written (`YYYY-MM-DD`, or the date part of a timestamp)."""
    parts = _parts(values)
    parsed = pd.to_datetime(
        parts["y"] + "-" + parts["mo"] + "-" + parts["d"], format="%Y-%m-%d", errors="coerce"
    )
    # the rest of a timestamp must be valid too, or the value is not a date at all
    parsed = parsed.where(parse_timestamps(values).notna() | parts["h"].isna())
    return parsed.astype("datetime64[us]")


def parse_epoch_ms(values: pd.Series) -> pd.Series:
    """Epoch milliseconds (a number, or digits as text) -> naive UTC datetime64."""
    kinds = values.map(type)
    numbers = pd.to_numeric(values.where(kinds.isin((int, float, str)), None), errors="coerce")
    # years 1990..2100: a plain number far outside is not a timestamp in milliseconds
    in_range = (numbers >= 631_152_000_000) & (numbers < 4_102_444_800_000)
    numbers = numbers.where(in_range.fillna(False).astype(bool))
    millis = numbers.astype("Float64").round().astype("Int64")
    return pd.to_datetime(millis, unit="ms", errors="coerce").astype("datetime64[us]")


def canonical_text(values: pd.Series) -> pd.Series:
    """UTC datetimes -> canonical text (microseconds), NaT -> None."""
    text = values.dt.strftime(CANONICAL_FORMAT)
    return text.where(values.notna(), None).astype(object).replace({np.nan: None})
