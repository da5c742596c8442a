"""The program effect's units (`fct_program_effect_units`) on the hand-made export.

Every expected value is worked out in tests/fixtures/handmade_export/EXPECTED.md
("Program effect units"). The units stay in the warehouse (not published), so
these tests read `warehouse.duckdb` beside the published snapshot of a real
refresh as of 2026-03-31.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.statistics import program_effect
from tests.conftest import query

GH = "greenhouse:"

COLUMNS = list(program_effect.INPUT_COLUMNS)


@pytest.fixture(scope="module")
def warehouse(handmade_published: Path) -> Path:
    return handmade_published.parent / "warehouse.duckdb"


@pytest.fixture(scope="module")
def units(warehouse: Path) -> dict[str, dict]:
    rows = query(
        warehouse,
        f"select {', '.join(COLUMNS)} from marts.fct_program_effect_units order by opening_id",
    )
    return {row[0].removeprefix(GH): dict(zip(COLUMNS, row, strict=True)) for row in rows}


def test_one_unit_per_filled_opening_of_time_to_fill(units):
    # 5001 (evergreen) and 6001 (template) are filled but not units
    assert list(units) == ["1001", "1002", "2001"]


def test_the_units_match_the_statistics_input_contract(warehouse):
    types = dict(
        query(
            warehouse,
            "select column_name, data_type from duckdb_columns()"
            " where schema_name = 'marts' and table_name = 'fct_program_effect_units'"
            " order by column_index",
        )
    )
    assert types == program_effect.INPUT_COLUMNS


def test_practices_of_each_unit(units):
    got = {
        opening: (
            u["licensed_at_open"],
            u["intake_on_time"],
            u["practiced"],
            u["retro_prev_fill"],
            u["talk_share_ok"],
        )
        for opening, u in units.items()
    }
    assert got == {
        "1001": (True, True, True, True, True),
        "1002": (True, True, True, False, True),
        "2001": (False, False, False, None, False),
    }


def test_outcomes_of_each_unit(units):
    got = {
        opening: (
            u["department"],
            u["hiring_manager_id"].removeprefix(GH),
            u["time_to_fill_days"],
            u["time_to_hire_days"],
            u["quality_of_hire"],
        )
        for opening, u in units.items()
    }
    assert got == {
        "1001": ("Engineering", "902", 39, 33, None),
        "1002": ("Engineering", "902", 59, 49, None),
        "2001": ("Sales", "904", 37, 35, None),
    }


def test_offers_and_survey_responses_are_the_jobs_on_each_opening(units):
    got = {
        opening: tuple(
            u[c]
            for c in (
                "offer_accepted_n",
                "offer_declined_n",
                "nps_promoters_n",
                "nps_detractors_n",
                "nps_responses_n",
            )
        )
        for opening, u in units.items()
    }
    assert got == {
        "1001": (2, 0, 2, 1, 4),
        "1002": (2, 0, 2, 1, 4),
        "2001": (1, 1, 3, 1, 4),
    }


def test_the_units_are_not_published_and_the_comparison_is(handmade_published):
    tables = {
        name for (name,) in query(handmade_published, "select table_name from duckdb_tables()")
    }
    assert "fct_program_effect_units" not in tables
    fill = query(
        handmade_published,
        "select n_with, n_without, verdict from fct_program_effect"
        " where practice = 'licensed_and_intake' and outcome = 'time_to_fill'",
    )
    assert fill == [(2, 1, program_effect.NOT_ENOUGH_DATA)]
