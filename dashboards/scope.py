"""What a page is looking at: the filters every chart honours, free of Streamlit.

The CLI deck export builds a `Scope` itself; the app builds it from the sidebar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dashboards.periods import quarter_label, shift_months, shift_quarters

ALL_DEPARTMENTS = "All departments"
ALL_SOURCES = "All ATSs"
ALL_MANAGERS = "All hiring managers"
TREND_QUARTERS = 4  # trend charts show the selected quarter and the three before it

# The filters a chart can honour; a ChartSpec names the ones its tables are cut by.
QUARTER = "quarter"
DEPARTMENT = "department"
ATS = "ats"
MANAGER = "manager"
ALL_FILTERS = frozenset({QUARTER, DEPARTMENT, ATS, MANAGER})


@dataclass(frozen=True)
class Scope:
    """One department (or all), one ATS (or all), one hiring manager (or all), one quarter.

    `as_of` is the snapshot's as-of date: trends stop at its month.
    """

    department: str
    quarter: date  # first day of the quarter
    source_system: str = ALL_SOURCES
    hiring_manager: str = ALL_MANAGERS  # an id, as the tables and the URL hold it
    as_of: date | None = None
    manager_name: str | None = None  # what the id is shown as (dim_users)

    @property
    def previous_quarter(self) -> date:
        return shift_quarters(self.quarter, -1)

    @property
    def trend_start(self) -> date:
        return shift_quarters(self.quarter, 1 - TREND_QUARTERS)

    @property
    def quarter_end(self) -> date:
        """Exclusive: the first day after the selected quarter, where trends end too."""
        return shift_quarters(self.quarter, 1)

    @property
    def last_month(self) -> date:
        """The trend's last month: the quarter's last, or the as-of month if that comes first."""
        last = shift_months(self.quarter_end, -1)
        return last if self.as_of is None else min(last, self.as_of.replace(day=1))

    @property
    def quarter_name(self) -> str:
        return quarter_label(self.quarter)

    @property
    def previous_quarter_name(self) -> str:
        return quarter_label(self.previous_quarter)

    @property
    def trend_span(self) -> str:
        return f"{self.trend_start:%b %Y} – {self.last_month:%b %Y}"

    @property
    def between(self) -> str:
        return f"between {self.trend_start:%b %Y} and {self.last_month:%b %Y}"

    @property
    def where(self) -> str:
        """'across all departments' or 'in Sales', for sentences."""
        if self.department == ALL_DEPARTMENTS:
            return "across all departments"
        return f"in {self.department}"

    @property
    def manager(self) -> str:
        """The chosen hiring manager as sentences and titles name them."""
        return self.manager_name or self.hiring_manager

    @property
    def has_manager(self) -> bool:
        return self.hiring_manager != ALL_MANAGERS

    @property
    def active_filters(self) -> frozenset[str]:
        """The filters narrowed from their 'All' value (the quarter always is)."""
        active = {QUARTER}
        if self.department != ALL_DEPARTMENTS:
            active.add(DEPARTMENT)
        if self.source_system != ALL_SOURCES:
            active.add(ATS)
        if self.has_manager:
            active.add(MANAGER)
        return frozenset(active)

    @property
    def label(self) -> str:
        parts = [self.department]
        if self.source_system != ALL_SOURCES:
            parts.append(self.source_system.capitalize())
        if self.has_manager:
            parts.append(self.manager)
        return " · ".join([*parts, quarter_label(self.quarter)])

    @property
    def trend_label(self) -> str:
        parts = [self.department]
        if self.source_system != ALL_SOURCES:
            parts.append(self.source_system.capitalize())
        if self.has_manager:
            parts.append(self.manager)
        return " · ".join([*parts, self.trend_span])
