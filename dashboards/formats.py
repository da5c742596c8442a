"""How numbers read on tiles and chart labels, in one place so every page agrees."""

from __future__ import annotations

import math
from datetime import date, datetime

MISSING = "—"


def _unit(value: float) -> str:
    return "day" if abs(value) == 1 else "days"


def days(value: float | None) -> str:
    """'42 days', or '42.5 days' when a median falls between two people; '1,609 days'."""
    if value is None:
        return MISSING
    return f"{value:,.0f} {_unit(value)}" if float(value).is_integer() else f"{value:,.1f} days"


def day_change(value: float) -> str:
    """Signed, as st.metric reads the sign from the text: '+3 days', '-2.5 days'."""
    return f"{value:+,.0f} {_unit(value)}" if float(value).is_integer() else f"{value:+,.1f} days"


def percent(rate: float | None) -> str:
    """A 0-1 rate as a whole percentage: 0.857 -> '86%'."""
    return MISSING if rate is None else f"{rate:.0%}"


def point_change(rate_change: float) -> str:
    """A change between two 0-1 rates in percentage points: 0.04 -> '+4 pp'."""
    return f"{rate_change * 100:+.0f} pp"


def count(n: int, singular: str, plural: str) -> str:
    """'1 opening filled', '3 openings filled'."""
    return f"{n} {singular if n == 1 else plural}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def as_of(day: date, latest_event: date | None = None) -> str:
    """The as-of date, with the latest event in the data when `--as-of` set them apart
    (a far one ages every open item): '2 Nov 2026', '1 Jan 2031 (latest event 2 Nov 2026)'."""
    if latest_event is None or latest_event == day:
        return long_date(day)
    return f"{long_date(day)} (latest event {long_date(latest_event)})"


def check_line(check, code=lambda name: name) -> str:
    """A check that did not pass, after its status: 'dbt test X on Y (1 failing row): what
    it requires', from a row of meta_check_results; `code` marks the names (the page's
    markdown sets them as code)."""
    n = check.failing_rows
    unknown = n is None or (isinstance(n, float) and math.isnan(n))  # null in the table
    rows = "" if unknown else f" ({count(int(n), 'failing row', 'failing rows')})"
    target = f" on {code(check.target)}" if isinstance(check.target, str) else ""
    meaning = f": {check.meaning}" if isinstance(check.meaning, str) else ""
    return f"{check.check_type} {code(check.check_name)}{target}{rows}{meaning}"


def timestamp(moment: datetime) -> str:
    return f"{long_date(moment.date())}, {moment:%H:%M} UTC"


def fewer_than(min_size: int | None, unit: str = "") -> str:
    """What a suppressed cell shows: 'fewer than 5 responses' (the snapshot's minimum)."""
    tail = f" {unit}" if unit else ""
    if min_size is None or min_size != min_size:  # unknown, or NaN from a frame
        return f"fewer than the minimum group size{tail and ' of' + tail}"
    return f"fewer than {int(min_size)}{tail}"


def nps(value: float | None) -> str:
    """NPS runs from -100 to +100 and always carries its sign: '+12', '-38'."""
    return MISSING if value is None else f"{value:+.0f}"


# Where the rows come from, as a reader names it: the ATSs, and the HR files beside them.
SOURCE_NAMES = {
    "greenhouse": "Greenhouse",
    "lever": "Lever",
    "ats_csv": "Other ATS (canonical CSV)",
    "people": "HR files (not an ATS)",
}
NOT_AN_ATS = frozenset({"people"})


def source_name(source_system: str) -> str:
    return SOURCE_NAMES.get(source_system, source_system)


def p_value(p: float | None) -> str:
    """Fisher's p as a reader compares it with 0.05: 'p < 0.001', 'p = 0.04'."""
    if p is None or p != p:
        return MISSING
    # Three decimals near 0.05, so 0.049 never reads as 0.05.
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


# fct_selection_rates.dimension as a reader names it; also the page's URL value.
DIMENSION_NAMES = {
    "gender": "Gender",
    "race_ethnicity": "Race and ethnicity",
    "veteran": "Veteran status",
    "disability": "Disability status",
    "gender_x_race": "Gender × race and ethnicity",
}


def dimension_name(dimension: str) -> str:
    return DIMENSION_NAMES.get(dimension, dimension.replace("_", " ").capitalize())
