"""Acceptance: published.duckdb holds no value for any cut under the minimum group size.

Every published table with a suppression flag (a column named `is_suppressed` or
`<something>_is_suppressed`) is listed here with the values that flag hides; a new
table with a flag fails the first test until it says which values it hides.
Counts (n) stay visible: a cut shows how many people it has, never what they said.
"""

from __future__ import annotations

import pytest

from orchestration.statistics import fairness
from tests.conftest import query

HIDDEN_WHEN_SUPPRESSED = {
    "kpi_candidate_nps": {
        "is_suppressed": ["nps", "promoters_n", "passives_n", "detractors_n"],
    },
    "fct_selection_rates": {"is_suppressed": list(fairness.DISPLAY_COLUMNS)},
    "fct_manager_hiring_impact": {
        "nps_is_suppressed": ["nps", "nps_percentile_rank"],
        "org_nps_is_suppressed": ["org_nps"],
    },
}


def _flags(published) -> dict[str, list[str]]:
    rows = query(
        published,
        "select table_name, column_name from information_schema.columns"
        " where column_name = 'is_suppressed' or column_name like '%\\_is_suppressed' escape '\\'",
    )
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def test_every_suppression_flag_says_what_it_hides(demo_published):
    found = _flags(demo_published)
    assert set(found) == set(HIDDEN_WHEN_SUPPRESSED), "register the table's hidden values above"
    for table, flags in found.items():
        assert set(flags) == set(HIDDEN_WHEN_SUPPRESSED[table]), table


@pytest.mark.parametrize(
    ("table", "flag", "hidden"),
    [(t, f, h) for t, flags in HIDDEN_WHEN_SUPPRESSED.items() for f, h in flags.items()],
)
def test_a_suppressed_cut_shows_no_value(demo_published, table, flag, hidden):
    shown = " or ".join(f"{column} is not null" for column in hidden)
    leaked = query(demo_published, f"select count(*) from {table} where {flag} and ({shown})")
    assert leaked == [(0,)]


def test_the_demo_has_suppressed_cuts(demo_published):
    """Not vacuous: the demo company has cuts under the minimum in each table."""
    for table, flags in HIDDEN_WHEN_SUPPRESSED.items():
        flag = next(iter(flags))
        assert query(demo_published, f"select count(*) from {table} where {flag}")[0][0] > 0, table
