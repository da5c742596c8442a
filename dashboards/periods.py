"""Calendar quarters as the KPI tables key them: the date of the quarter's first day."""

from __future__ import annotations

from datetime import date


def quarter_start(day: date) -> date:
    """First day of the quarter holding `day` (quarters start in January, April, July, October)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def shift_months(start: date, months: int) -> date:
    """First day of the month `months` away from the month holding `start` (negative goes back)."""
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def shift_quarters(start: date, quarters: int) -> date:
    """The quarter `quarters` away from the one starting on `start` (negative goes back)."""
    return shift_months(start, 3 * quarters)


def quarter_label(start: date) -> str:
    """'Q4 2026', as leaders say it."""
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


def quarter_code(start: date) -> str:
    """'2026Q3': the quarter in file names and on the command line."""
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def parse_quarter_code(text: str) -> date:
    """'2026Q3' (or '2026q3') -> date(2026, 7, 1); ValueError naming the expected form."""
    year, sep, number = text.strip().upper().partition("Q")
    if not (sep and year.isdigit() and len(year) == 4 and number in {"1", "2", "3", "4"}):
        raise ValueError(f"{text!r} is not a quarter in YYYYQn form, such as 2026Q3")
    return date(int(year), 3 * (int(number) - 1) + 1, 1)
