"""The canonical CSV template end to end: every value of seeds/ats_csv_template/EXPECTED.md."""

from __future__ import annotations

import pytest

from tests.conftest import PROJECT_ROOT, query

pytestmark = pytest.mark.slow

CSV_TEMPLATE = PROJECT_ROOT / "seeds" / "ats_csv_template"
AS_OF = "2026-03-31"


@pytest.fixture(scope="module")
def csv_published(tmp_path_factory):
    from tests.conftest import _refreshed

    return _refreshed(tmp_path_factory, "csv_warehouse", CSV_TEMPLATE, AS_OF).published


def one(db, sql, params=None):
    rows = query(db, sql, params)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("application", "expected"),
    [
        ("workable:a1", ("hired", "hired", 40, "workable")),
        ("workable:a2", ("rejected", "recruiter_screen", None, "workable")),
        ("workable:a3", ("withdrew", "onsite", None, "workable")),
        ("workable:a4", ("active", "recruiter_screen", None, "workable")),
    ],
)
def test_applications(csv_published, application, expected):
    sql = (
        "select status, furthest_stage, time_to_hire_days, source_system"
        " from fct_applications where application_id = ?"
    )
    assert one(csv_published, sql, [application]) == expected


def test_openings(csv_published):
    assert query(
        csv_published,
        "select opening_id, time_to_fill_days, is_open, open_age_days from fct_openings order by 1",
    ) == [("workable:o1", 44, False, None), ("workable:o2", None, True, 58)]


def test_kpis(csv_published):
    org = "department = 'All departments' and source_system = 'All ATSs'"
    assert one(
        csv_published,
        f"select hires_n, median_days from kpi_time_to_hire where {org}"
        " and period_grain = 'month' and period_start = date '2026-02-01'",
    ) == (1, 40.0)
    assert one(
        csv_published,
        f"select openings_filled_n, median_days from kpi_time_to_fill where {org}"
        " and period_grain = 'month' and period_start = date '2026-02-01'",
    ) == (1, 44.0)
    assert one(
        csv_published,
        f"select open_openings_n, median_open_age_days from kpi_open_openings where {org}",
    ) == (1, 58.0)
    assert one(
        csv_published,
        f"select offers_accepted, offers_declined, acceptance_rate from kpi_offer_acceptance"
        f" where {org} and period_grain = 'quarter' and period_start = date '2026-01-01'",
    ) == (1, 0, 1.0)


def test_pass_through(csv_published):
    rows = query(
        csv_published,
        "select canonical_stage, passed_n, rejected_n, in_progress_n from kpi_stage_pass_through"
        " where department = 'All departments' and source_system = 'All ATSs'"
        " and period_grain = 'quarter'"
        " and period_start = date '2026-01-01' order by canonical_stage_order",
    )
    assert rows == [
        ("application_review", 4, 0, 0),
        ("recruiter_screen", 2, 1, 1),
        ("hiring_manager_screen", 2, 0, 0),
        ("assessment", 2, 0, 0),
        ("onsite", 1, 1, 0),
        ("offer", 1, 0, 0),
    ]


def test_time_in_stage(csv_published):
    assert query(
        csv_published,
        "select stage_name, days_in_stage from fct_application_stages"
        " where application_id = 'workable:a1' and stage_name in ('Interview', 'Offer')"
        " order by entered_at",
    ) == [("Interview", 16), ("Offer", 14)]


def test_no_candidate_identifier_is_published(csv_published):
    text = str(
        [
            query(csv_published, f'select * from "{t}"')
            for (t,) in query(csv_published, "select table_name from duckdb_tables()")
        ]
    ).lower()
    for value in ("mira", "jensen", "tomas.novak@example.net", "20 12 34 56", "kofi"):
        assert value not in text
