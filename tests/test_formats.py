"""How numbers and dates read on tiles, captions and slides (dashboards/formats.py)."""

from __future__ import annotations

from datetime import date

from dashboards import formats


def test_days_read_whole_or_to_a_tenth_with_a_thousands_separator() -> None:
    assert formats.days(1.0) == "1 day"
    assert formats.days(42.5) == "42.5 days"
    assert formats.days(1609.0) == "1,609 days"
    assert formats.days(None) == formats.MISSING
    assert formats.day_change(-2.5) == "-2.5 days"
    assert formats.day_change(1200.0) == "+1,200 days"


def test_the_as_of_date_names_the_latest_event_only_when_they_differ() -> None:
    as_of, latest = date(2031, 1, 1), date(2026, 11, 2)
    assert formats.as_of(latest, latest) == "2 Nov 2026"
    assert formats.as_of(latest) == "2 Nov 2026"  # a snapshot without the latest event
    assert formats.as_of(as_of, latest) == "1 Jan 2031 (latest event 2 Nov 2026)"
