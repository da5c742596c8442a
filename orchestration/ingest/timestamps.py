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


def _per_distinct(parse):
    """Parse each distinct value once: an export repeats the same times many times."""

    def parse_distinct(values: pd.Series) -> pd.Series:
        try:
            codes, distinct = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # a list or object where a time belongs: never a time
            codes, distinct = pd.factorize(values.map(_scalar_or_none), use_na_sentinel=True)
        parsed = parse(pd.Series(distinct, dtype=object)).to_numpy()
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
        out[codes >= 0] = parsed[codes[codes >= 0]]
        return pd.Series(out, index=values.index)

    parse_distinct.__doc__ = parse.__doc__
    return parse_distinct


def _scalar_or_none(value):
    return value if isinstance(value, (str, int, float)) else None


def _strings(values: pd.Series) -> pd.Series:
    kinds = values.map(type)
    return values.where(kinds.isin((str,)), None).astype("string")


def _parts(values: pd.Series) -> pd.DataFrame:
    return _strings(values).str.extract(_TIMESTAMP.pattern, flags=re.VERBOSE)


@_per_distinct
def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 text -> naive UTC datetime64; anything else -> NaT."""
    common, parsed = _parse_common_shapes(values)
    if common.all():
        return pd.Series(parsed, index=values.index)
    rest = _parse_with_pattern(values[~common])
    parsed[~common] = rest.to_numpy()
    return pd.Series(parsed, index=values.index)


# The shapes exports write most ("0" a digit, "+" a sign), read without the
# pattern: the same values, about ten times faster. Anything else takes the pattern.
_COMMON_SHAPES = ("0000-00-00T00:00:00Z", "0000-00-00T00:00:00+00:00", "0000-00-00T00:00:00.000Z")


def _parse_common_shapes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(which values have a common shape, their UTC times; NaT elsewhere)."""
    common = np.zeros(len(values), dtype=bool)
    parsed = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[us]")
    is_text = values.map(type).eq(str).to_numpy()
    lengths = np.zeros(len(values), dtype=np.int64)
    lengths[is_text] = values[is_text].str.len().to_numpy()
    for shape in _COMMON_SHAPES:
        rows = np.flatnonzero(lengths == len(shape))
        if not len(rows):
            continue
        chars = np.array(values.iloc[rows].tolist(), dtype=f"U{len(shape)}")
        codes = chars.view(np.uint32).reshape(len(rows), len(shape)).astype(np.int64)
        fits = np.ones(len(rows), dtype=bool)
        for i, want in enumerate(shape):
            column = codes[:, i]
            if want == "0":
                fits &= (column >= 48) & (column <= 57)
            elif want == "+":
                fits &= (column == 43) | (column == 45)
            else:
                fits &= column == ord(want)
        digits = codes - 48

        def number(start: int, end: int, digits: np.ndarray = digits) -> np.ndarray:
            return sum(digits[:, i] * 10 ** (end - 1 - i) for i in range(start, end))

        fields = {
            "year": number(0, 4),
            "month": number(5, 7),
            "day": number(8, 10),
            "hour": number(11, 13),
            "minute": number(14, 16),
            "second": number(17, 19),
        }
        # an hour of 24 or a leap second: rare, and the pattern's reading is the rule
        fits &= (fields["hour"] <= 23) & (fields["minute"] <= 59) & (fields["second"] <= 59)
        if shape[19] == ".":
            fields["ms"] = number(20, 23)
        local = pd.to_datetime(pd.DataFrame(fields), errors="coerce").to_numpy("datetime64[us]")
        if shape[19] == "+":
            sign = np.where(codes[:, 19] == 45, -1, 1)
            hours, minutes = number(20, 22), number(23, 25)
            local = local - (sign * (hours * 60 + minutes)).astype("timedelta64[m]")
            local[(hours > 18) | (minutes >= 60)] = np.datetime64("NaT")
        common[rows[fits]] = True
        parsed[rows[fits]] = local[fits]
    return common, parsed


def _parse_with_pattern(values: pd.Series) -> pd.Series:
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


@_per_distinct
def parse_dates(values: pd.Series) -> pd.Series:
    """A calendar date as written (`YYYY-MM-DD`, or the date part of a timestamp)."""
    parts = _parts(values)
    parsed = pd.to_datetime(
        parts["y"] + "-" + parts["mo"] + "-" + parts["d"], format="%Y-%m-%d", errors="coerce"
    )
    # the rest of a timestamp must be valid too, or the value is not a date at all
    parsed = parsed.where(parse_timestamps(values).notna() | parts["h"].isna())
    return parsed.astype("datetime64[us]")


@_per_distinct
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
    times = values.to_numpy("datetime64[us]")
    missing = np.isnat(times)
    years = times[~missing].astype("datetime64[Y]").astype(np.int64) + 1970
    if len(years) and (years.min() < 1000 or years.max() > 9999):  # not 4 digits: strftime's way
        text = values.dt.strftime(CANONICAL_FORMAT)
        return text.where(values.notna(), None).astype(object).replace({np.nan: None})
    # numpy writes CANONICAL_FORMAT (ISO 8601 to the microsecond) ten times faster
    text = np.datetime_as_string(times, unit="us").astype(object)
    text[missing] = None
    return pd.Series(text, index=values.index, dtype=object)
