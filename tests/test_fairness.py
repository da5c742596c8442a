"""Fairness end to end: selection counts by self-identified group, and what publish shows.

The hand-made export (tests/fixtures/handmade_export, statuses and pass-through in its
EXPECTED.md) gains, in a copy under tmp_path, a `greenhouse/demographics.json` written
here by hand (`SELF_IDENTIFICATION`). It is refreshed as of 2026-03-31 like the other
hand-made tests, and the counts are asserted exactly against the arithmetic below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import HANDMADE_AS_OF, HANDMADE_EXPORT, query, refresh

DECLINE = "Decline To Self Identify"
NOT_VETERAN = "I am not a protected veteran"
NO_DISABILITY = "No, I don't have a disability"

# application -> (gender, race, veteran, disability); None: the JSON object is null.
# 3008 and 3014 have no record at all; 3010 (after the as-of date) and 3015 (no job)
# are not in the funnel.
SELF_IDENTIFICATION = {
    3001: ("Female", "Asian", "I don't wish to answer", NO_DISABILITY),
    3002: ("Male", "White", NOT_VETERAN, NO_DISABILITY),
    3003: ("Male", None, NOT_VETERAN, NO_DISABILITY),
    3004: ("Female", "White", NOT_VETERAN, NO_DISABILITY),
    3005: ("Male", "White", NOT_VETERAN, NO_DISABILITY),
    3006: ("Female", "White", NOT_VETERAN, None),
    3007: ("Female", "Asian", NOT_VETERAN, NO_DISABILITY),
    3009: ("Male", "Asian", NOT_VETERAN, NO_DISABILITY),
    3011: (DECLINE, "White", NOT_VETERAN, NO_DISABILITY),
    3012: ("Female", DECLINE, NOT_VETERAN, NO_DISABILITY),
    3013: (None, "Asian", NOT_VETERAN, NO_DISABILITY),
}


def _answer(value: str | None, key: str) -> dict | None:
    return None if value is None else {"id": 1, key: value}


def demographics_records() -> list[dict]:
    return [
        {
            "application_id": app,
            "candidate_id": app + 1000,
            "submitted_at": "2026-01-02T09:00:00Z" if app != 3013 else "2025-11-10T09:00:00Z",
            "gender": _answer(gender, "description"),
            "race": _answer(race, "description"),
            "veteran_status": _answer(veteran, "message"),
            "disability_status": _answer(disability, "description"),
        }
        for app, (gender, race, veteran, disability) in SELF_IDENTIFICATION.items()
    ]


@pytest.fixture(scope="module")
def fairness_warehouse(tmp_path_factory) -> Path:
    """The hand-made export plus hand-made self-identification, refreshed as of 2026-03-31."""
    exports = tmp_path_factory.mktemp("fairness_export") / "export"
    shutil.copytree(HANDMADE_EXPORT, exports)
    (exports / "greenhouse" / "demographics.json").write_text(
        json.dumps(demographics_records(), indent=1), encoding="utf-8"
    )
    warehouse = tmp_path_factory.mktemp("fairness_warehouse")
    result = refresh(exports, warehouse, HANDMADE_AS_OF)
    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    return warehouse


def counts(warehouse: Path, transition: str, dimension: str) -> dict[str, tuple[int, int]]:
    rows = query(
        warehouse / "warehouse.duckdb",
        "select group_name, passed_n, rejected_n from marts.fct_selection_counts"
        " where transition = ? and dimension = ?",
        [transition, dimension],
    )
    return {name: (passed, rejected) for name, passed, rejected in rows}


def test_overall_counts_hires_against_ended_applications_by_gender(fairness_warehouse):
    """Overall = hired vs rejected or withdrew, among ended applications (EXPECTED.md).

    In the funnel as of 03-31: 3001-3009, 3011-3014 (3010 applied later, 3015 has no
    job). Hired: 3001 3002 3005 3009 3011 3013 3014 = 7; ended otherwise: 3004
    (withdrew), 3006 (rejected), 3007 (withdrew, declined the offer) = 3; active 3003,
    3008, 3012 count in neither.
    - Female 3001 3004 3006 3007 (3012 active): passed 1 (3001), rejected 3.
    - Male 3002 3005 3009 (3003 active): passed 3, rejected 0.
    - Not disclosed: 3011 (declined to self-identify), 3013 (null gender), 3014 (no
      record) hired: passed 3, rejected 0 (3008, no record, is active).
    1 + 3 + 3 = 7 passed, 3 + 0 + 0 = 3 rejected: the transition's total.
    """
    assert counts(fairness_warehouse, "overall", "gender") == {
        "Female": (1, 3),
        "Male": (3, 0),
        "Not disclosed": (3, 0),
    }


def test_recruiter_screen_counts_follow_the_pass_through_outcomes(fairness_warehouse):
    """From recruiter_screen, outcomes as in EXPECTED.md's pass-through tables.

    Passed 3001 3002 3005 3007 3008 3009 3011 3013 3014 (9), rejected 3004 (1); 3003
    and 3012 in progress (neither); 3006 ended at application_review (not here).
    - Female: 3001, 3007 passed; 3004 rejected; 3012 in progress -> (2, 1).
    - Male: 3002, 3005, 3009 passed; 3003 in progress -> (3, 0).
    - Not disclosed: 3008, 3014 (no record), 3011 (declined), 3013 (null) -> (4, 0).
    From application_review: 3006 (Female) is the only rejection; the 12 others
    passed, Female 3001 3004 3007 3012 -> (4, 1).
    """
    assert counts(fairness_warehouse, "recruiter_screen", "gender") == {
        "Female": (2, 1),
        "Male": (3, 0),
        "Not disclosed": (4, 0),
    }
    assert counts(fairness_warehouse, "application_review", "gender")["Female"] == (4, 1)


def test_non_response_is_its_own_group_in_every_dimension(fairness_warehouse):
    """Veteran overall: 3001 answered "I don't wish to answer" (hired), 3014 has no
    record (hired) -> Not disclosed (2, 0); "I am not a protected veteran": hired 3002
    3005 3009 3011 3013 = 5, ended 3004 3006 3007 = 3 -> (5, 3).
    Disability overall: 3006's object is null (rejected), 3014 no record (hired) -> Not
    disclosed (1, 1); the other answers: hired 3001 3002 3005 3009 3011 3013 = 6, ended
    3004 3007 = 2 -> (6, 2).
    Race overall: Asian 3001 3009 3013 hired, 3007 ended -> (3, 1); White 3002 3005
    3011 hired, 3004 3006 ended -> (3, 2); Not disclosed 3014 hired (3003 null and 3012
    declined are active, 3008 no record is active) -> (1, 0).
    """
    assert counts(fairness_warehouse, "overall", "veteran") == {
        NOT_VETERAN: (5, 3),
        "Not disclosed": (2, 0),
    }
    assert counts(fairness_warehouse, "overall", "disability") == {
        NO_DISABILITY: (6, 2),
        "Not disclosed": (1, 1),
    }
    assert counts(fairness_warehouse, "overall", "race_ethnicity") == {
        "Asian": (3, 1),
        "White": (3, 2),
        "Not disclosed": (1, 0),
    }


def test_the_intersection_has_a_row_for_every_combination_seen_zeros_included(
    fairness_warehouse,
):
    """Gender x race overall, from the table above:
    Female × Asian 3001 hired, 3007 withdrew -> (1, 1); Female × White 3004 3006 -> (0, 2);
    Female × Not disclosed: 3012 is active -> (0, 0), a zero row;
    Male × White 3002 3005 -> (2, 0); Male × Asian 3009 -> (1, 0); Male × Not disclosed:
    3003 active -> (0, 0); Not disclosed × White 3011 -> (1, 0); Not disclosed × Asian
    3013 -> (1, 0); Not disclosed × Not disclosed: 3014 hired, 3008 active -> (1, 0).
    Sum: 7 passed, 3 rejected, as every other dimension.
    """
    assert counts(fairness_warehouse, "overall", "gender_x_race") == {
        "Female × Asian": (1, 1),
        "Female × White": (0, 2),
        "Female × Not disclosed": (0, 0),
        "Male × White": (2, 0),
        "Male × Asian": (1, 0),
        "Male × Not disclosed": (0, 0),
        "Not disclosed × White": (1, 0),
        "Not disclosed × Asian": (1, 0),
        "Not disclosed × Not disclosed": (1, 0),
    }
    totals = query(
        fairness_warehouse / "warehouse.duckdb",
        "select dimension, sum(passed_n), sum(rejected_n) from marts.fct_selection_counts"
        " where transition = 'overall' group by dimension",
    )
    assert {(p, r) for _, p, r in totals} == {(7, 3)}
    assert len(totals) == 5


def test_every_transition_has_every_group(fairness_warehouse):
    """Six canonical stages before `hired` plus overall, each with the same groups."""
    rows = query(
        fairness_warehouse / "warehouse.duckdb",
        "select transition, count(*) from marts.fct_selection_counts group by transition",
    )
    # groups: gender 3, race 3, veteran 2, disability 2, gender x race 9 = 19
    assert dict(rows) == {
        t: 19
        for t in [
            "application_review", "recruiter_screen", "hiring_manager_screen",
            "assessment", "onsite", "offer", "overall",
        ]
    }  # fmt: skip


# --- what the published snapshot shows -----------------------------------------------


def published_tables(published: Path) -> dict[str, list[str]]:
    rows = query(
        published,
        "select table_name, column_name from duckdb_columns() where schema_name = 'main'",
    )
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def assert_suppressed_rows_show_nothing(published: Path) -> None:
    from orchestration.statistics import fairness

    shown = " or ".join(f"{c} is not null" for c in fairness.DISPLAY_COLUMNS)
    leaked = query(
        published, f"select count(*) from fct_selection_rates where is_suppressed and ({shown})"
    )[0][0]
    assert leaked == 0
    under = query(
        published,
        "select count(*) from fct_selection_rates"
        " where not is_suppressed and applicants_n < min_group_size",
    )[0][0]
    assert under == 0


def test_published_selection_rates_hide_every_cut_under_the_minimum(fairness_warehouse):
    """With 3-4 people per gender overall, every gender cell is under 5: all hidden."""
    published = fairness_warehouse / "published.duckdb"
    assert_suppressed_rows_show_nothing(published)
    rows = query(
        published,
        "select group_name, is_suppressed, suppression_reason, passed_n, selection_rate"
        " from fct_selection_rates where transition = 'overall' and dimension = 'gender'",
    )
    assert sorted(rows) == [
        ("Female", True, "fewer than min_group_size", None, None),
        ("Male", True, "fewer than min_group_size", None, None),
        ("Not disclosed", True, "fewer than min_group_size", None, None),
    ]


def test_the_unsuppressed_counts_stay_in_the_warehouse(fairness_warehouse):
    tables = published_tables(fairness_warehouse / "published.duckdb")
    assert "fct_selection_rates" in tables
    assert "fct_selection_counts" not in tables
    assert "fct_program_effect_units" not in tables


CANDIDATE_IDENTIFIERS = {"candidate_id", "candidate_key", "email", "first_name", "last_name"}


def test_the_fairness_tables_hold_no_application_or_candidate_identifier(fairness_warehouse):
    tables = published_tables(fairness_warehouse / "published.duckdb")
    columns = set(tables["fct_selection_rates"])
    assert not columns & (CANDIDATE_IDENTIFIERS | {"application_id"})


def test_no_published_table_holds_a_candidate_identifier(fairness_warehouse):
    tables = published_tables(fairness_warehouse / "published.duckdb")
    found = {
        f"{table}.{column}"
        for table, columns in tables.items()
        for column in columns
        if column in CANDIDATE_IDENTIFIERS
    }
    assert found == set()


def test_the_demo_snapshot_hides_every_cut_under_the_minimum(demo_published):
    """The demo (two ATSs) as published: no suppressed cell shows a value."""
    assert_suppressed_rows_show_nothing(demo_published)
    assert "fct_selection_counts" not in published_tables(demo_published)
