"""The statistics step: Fisher's exact test, impact ratios, suppression, bootstrap intervals.

Inputs are built by hand (or from a fixed seed) and written to real DuckDB files in
tmp_path; expected values are computed independently in the test, as cited.
"""

from __future__ import annotations

import importlib
import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from dagster import AssetKey, materialize

from orchestration.resources import RefreshLockResource, WarehouseResource
from orchestration.statistics import fairness, program_effect
from orchestration.statistics.settings import dbt_var

# --- Fisher's exact test ---------------------------------------------------------------


def hypergeometric_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Fisher's exact test by hand: table [[a, b], [c, d]] with fixed margins.

    Two-sided as in R's fisher.test: the sum of the probabilities of every table with
    the same margins that is no more probable than the observed one (relative
    tolerance 1e-7, R's `relErr`).
    """
    row1, col1, n = a + b, a + c, a + b + c + d

    def p(x: int) -> float:
        return math.comb(col1, x) * math.comb(n - col1, row1 - x) / math.comb(n, row1)

    observed = p(a)
    support = range(max(0, row1 + col1 - n), min(row1, col1) + 1)
    return sum(p(x) for x in support if p(x) <= observed * (1 + 1e-7))


def test_fisher_tea_tasting_lady_matches_the_textbook_value():
    # Fisher (1935), The Design of Experiments: 3 of 4 cups right; two-sided p = 34/70
    assert fairness.fisher_two_sided([[3, 1], [1, 3]]) == pytest.approx(0.4857142857, abs=1e-10)
    assert hypergeometric_two_sided(3, 1, 1, 3) == pytest.approx(34 / 70, abs=1e-12)


def test_fisher_dieting_table_matches_the_hand_computed_hypergeometric_sum():
    # [[1, 9], [11, 3]]: the worked example of Fisher's test on Wikipedia, p = 0.002759
    expected = hypergeometric_two_sided(1, 9, 11, 3)
    assert expected == pytest.approx(0.0027594, abs=1e-7)
    assert fairness.fisher_two_sided([[1, 9], [11, 3]]) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("table", [[[20, 80], [40, 60]], [[1, 3], [40, 60]], [[0, 5], [6, 2]]])
def test_fisher_agrees_with_the_hypergeometric_sum_on_selection_tables(table):
    (a, b), (c, d) = table
    assert fairness.fisher_two_sided(table) == pytest.approx(
        hypergeometric_two_sided(a, b, c, d), rel=1e-9
    )


@pytest.mark.parametrize(
    "table",
    [[[4000, 96000], [5200, 94800]], [[12000, 3000], [200000, 50000]], [[0, 0], [3, 4]]],
)
def test_fisher_agrees_with_scipy_at_a_large_companys_counts(table):
    # too large for the sum by hand above; scipy's implementation is independent of ours
    from scipy.stats import fisher_exact

    expected = fisher_exact(table, alternative="two-sided").pvalue
    assert fairness.fisher_two_sided(table) == pytest.approx(expected, rel=1e-9)


# --- selection rates -------------------------------------------------------------------


def counts(*rows, transition="overall", dimension="gender") -> pd.DataFrame:
    return pd.DataFrame(
        [(transition, dimension, name, passed, rejected) for name, passed, rejected in rows],
        columns=list(fairness.INPUT_COLUMNS),
    )


def by_group(rates: pd.DataFrame) -> dict[str, dict]:
    return {row["group_name"]: row for row in rates.to_dict("records")}


HAND_TABLE = counts(
    ("Man", 40, 60),  # 100 applicants, rate 0.40: the reference
    ("Woman", 20, 80),  # 100, rate 0.20: ratio 0.50, flagged, shortfall 100 x 0.40 - 20 = 20
    ("Non-binary", 1, 3),  # 4: under the minimum of 5
    ("Not disclosed", 5, 10),  # 15, rate 1/3: shown, never the reference
)


def test_impact_ratio_flag_and_shortfall_on_a_hand_made_table():
    rows = by_group(fairness.selection_rates(HAND_TABLE, min_size=5))
    man, woman = rows["Man"], rows["Woman"]
    assert man["highest_group"] == woman["highest_group"] == "Man"
    assert (man["applicants_n"], man["selection_rate"], man["impact_ratio"]) == (100, 0.4, 1.0)
    assert man["shortfall"] == 0 and not man["is_flagged"] and pd.isna(man["fisher_p_value"])
    assert woman["selection_rate"] == 0.2
    assert woman["impact_ratio"] == pytest.approx(0.5)
    assert woman["is_flagged"]
    assert woman["shortfall"] == pytest.approx(20.0)
    assert woman["fisher_p_value"] == pytest.approx(
        hypergeometric_two_sided(20, 80, 40, 60), rel=1e-9
    )


def test_a_group_of_4_is_suppressed_and_the_next_smallest_group_too():
    rows = by_group(fairness.selection_rates(HAND_TABLE, min_size=5))
    small, undisclosed = rows["Non-binary"], rows["Not disclosed"]
    assert small["is_suppressed"] and small["suppression_reason"] == fairness.BELOW_MINIMUM
    # 15 < 100: Not disclosed is the next smallest, else 4 = total - the other three
    assert undisclosed["is_suppressed"]
    assert undisclosed["suppression_reason"] == fairness.COMPLEMENTARY
    assert not rows["Woman"]["is_suppressed"] and not rows["Man"]["is_suppressed"]
    for row in (small, undisclosed):
        assert all(pd.isna(row[c]) for c in fairness.DISPLAY_COLUMNS)
    # the tests stay computed on the full data: 1/4 = 0.25 vs 0.40 is flagged
    assert small["is_flagged"]
    assert small["fisher_p_value"] == pytest.approx(hypergeometric_two_sided(1, 3, 40, 60))
    assert undisclosed["fisher_p_value"] == pytest.approx(hypergeometric_two_sided(5, 10, 40, 60))
    assert pd.isna(
        undisclosed["is_flagged"]
    )  # the four-fifths rule is for groups, not non-response


def test_no_complementary_suppression_when_two_groups_are_already_hidden():
    rows = by_group(
        fairness.selection_rates(counts(("A", 30, 30), ("B", 1, 2), ("C", 2, 2)), min_size=5)
    )
    assert [rows[g]["is_suppressed"] for g in "ABC"] == [False, True, True]


def test_the_reference_group_is_never_the_complementary_cell_while_another_remains():
    # B (4) is suppressed; A (10) is smaller than C (50) but is the reference
    rows = by_group(
        fairness.selection_rates(counts(("A", 8, 2), ("B", 1, 3), ("C", 20, 30)), min_size=5)
    )
    assert rows["C"]["highest_group"] == "A"
    assert not rows["A"]["is_suppressed"]
    assert rows["C"]["suppression_reason"] == fairness.COMPLEMENTARY


def test_a_tiny_group_with_the_highest_rate_is_not_the_reference():
    rows = by_group(
        fairness.selection_rates(
            counts(("A", 2, 0), ("B", 30, 70), ("C", 20, 80), ("Not disclosed", 9, 1)), min_size=5
        )
    )
    assert rows["C"]["highest_group"] == "B"
    assert rows["C"]["impact_ratio"] == pytest.approx(2 / 3)


def test_ties_for_the_highest_rate_go_to_the_larger_group():
    rows = by_group(
        fairness.selection_rates(counts(("A", 5, 5), ("B", 10, 10), ("C", 2, 8)), min_size=5)
    )
    assert rows["A"]["highest_group"] == "B"
    assert rows["A"]["impact_ratio"] == 1.0 and not rows["A"]["is_flagged"]


def test_intersection_cells_are_protected_within_each_gender_and_each_race():
    x = fairness.INTERSECTION_SEPARATOR
    table = counts(
        (f"Woman{x}Asian", 1, 2),  # 3: suppressed
        (f"Woman{x}White", 20, 20),
        (f"Woman{x}Black", 10, 10),  # smallest other Woman cell: complementary
        (f"Man{x}Asian", 10, 15),  # smallest other Asian cell: complementary
        (f"Man{x}White", 30, 30),
        (f"Man{x}Black", 15, 20),
        dimension=fairness.INTERSECTION,
    )
    rows = by_group(fairness.selection_rates(table, min_size=5))
    hidden = {name for name, row in rows.items() if row["is_suppressed"]}
    assert {f"Woman{x}Asian", f"Woman{x}Black", f"Man{x}Asian"} <= hidden
    # every total (dimension, each gender, each race) has 0 or at least 2 hidden members
    for part in ("Woman", "Man", "Asian", "White", "Black", ""):
        members = [n for n in rows if part in n.split(x) or part == ""]
        assert sum(n in hidden for n in members) != 1, part


def test_min_group_size_comes_from_the_dbt_project_unless_given(tmp_path):
    assert fairness.min_group_size() == dbt_var("min_group_size") == 5
    assert fairness.min_group_size(10) == 10
    project = tmp_path / "dbt_project.yml"
    project.write_text("vars:\n  min_group_size: 7\n  as_of: null\n")
    assert dbt_var("min_group_size", 5, project) == 7
    assert dbt_var("as_of", "default", project) == "default"
    assert dbt_var("program_effect_min_n", 10, project) == 10


# --- program effect --------------------------------------------------------------------


def units(
    practiced_days,
    other_days,
    departments=None,
    quality=None,
) -> pd.DataFrame:
    """Openings with the given time to fill per arm; other outcomes filled plausibly."""
    days = list(practiced_days) + list(other_days)
    practiced = [True] * len(practiced_days) + [False] * len(other_days)
    n = len(days)
    return pd.DataFrame(
        {
            "opening_id": [f"csv:o{i}" for i in range(n)],
            "department": departments or ["Engineering"] * n,
            "hiring_manager_id": [f"csv:m{i % 7}" for i in range(n)],
            "practiced": practiced,
            "licensed_at_open": practiced,
            "intake_on_time": practiced,
            "retro_prev_fill": pd.array([None] * n, dtype="boolean"),
            "talk_share_ok": pd.array([i % 2 == 0 for i in range(n)], dtype="boolean"),
            "time_to_fill_days": days,
            "time_to_hire_days": [d - 5 for d in days],
            "quality_of_hire": quality if quality is not None else [70.0] * n,
            "offer_accepted_n": [1] * n,
            "offer_declined_n": [i % 3 == 0 for i in range(n)],
            "nps_promoters_n": [2] * n,
            "nps_detractors_n": [1] * n,
            "nps_responses_n": [4] * n,
        }
    )


def row(effects: pd.DataFrame, practice: str, outcome: str) -> dict:
    found = effects[(effects["practice"] == practice) & (effects["outcome"] == outcome)]
    assert len(found) == 1
    return found.iloc[0].to_dict()


def known_effect_units() -> pd.DataFrame:
    # time to fill uniform on 20..40 days (median 30) vs 27..53 (median 40): true ratio 0.75
    rng = np.random.default_rng(7)
    return units(rng.integers(20, 41, 200), rng.integers(27, 54, 200))


def test_bootstrap_intervals_are_reproducible_with_the_fixed_seed():
    data = known_effect_units()
    first = program_effect.program_effect(data, resamples=500)
    second = program_effect.program_effect(data, resamples=500)
    pd.testing.assert_frame_equal(first, second)
    other_seed = program_effect.program_effect(data, resamples=500, seed=1)
    assert not first["ci_low"].equals(other_seed["ci_low"])


def test_the_comparisons_side_by_side_give_the_rows_of_one_at_a_time(monkeypatch):
    data = known_effect_units()
    side_by_side = program_effect.program_effect(data, resamples=500)
    monkeypatch.setattr(program_effect.os, "cpu_count", lambda: 1)
    one_at_a_time = program_effect.program_effect(data, resamples=500)
    pd.testing.assert_frame_equal(side_by_side, one_at_a_time)


def test_the_interval_covers_a_known_effect_and_excludes_no_effect():
    effects = program_effect.program_effect(known_effect_units())
    fill = row(effects, "licensed_and_intake", "time_to_fill")
    assert (fill["n_with"], fill["n_without"], fill["effect_kind"]) == (200, 200, "ratio")
    assert fill["ci_low"] <= 0.75 <= fill["ci_high"]
    assert fill["ci_high"] < 1
    assert fill["verdict"] == program_effect.BETTER
    assert fill["sentence"].startswith(
        "Openings whose manager was licensed and held intake on time filled in a median of"
        f" {fill['value_with']:.0f} days vs {fill['value_without']:.0f} (ratio"
    )
    assert fill["sentence"].endswith("; 200 vs 200 openings): better with the practice.")


def test_an_arm_of_9_openings_is_not_enough_data():
    effects = program_effect.program_effect(units([30] * 9, [40] * 50))
    fill = row(effects, "licensed_and_intake", "time_to_fill")
    assert fill["verdict"] == program_effect.NOT_ENOUGH_DATA
    assert (fill["n_with"], fill["n_without"]) == (9, 50)
    assert all(pd.isna(fill[c]) for c in program_effect.EFFECT_COLUMNS)
    assert fill["sentence"] == (
        "Not enough data to compare time to fill: 9 openings whose manager was licensed and"
        " held intake on time vs 50 without (at least 10 needed in each)."
    )
    # an unknown practice value leaves the opening out: retro_prev_fill is all null here
    retro = row(effects, "retro_prev_fill", "time_to_fill")
    assert (retro["n_with"], retro["n_without"], retro["verdict"]) == (0, 0, "not enough data")


def test_no_clear_difference_when_the_arms_are_alike():
    effects = program_effect.program_effect(units([30, 40] * 20, [30, 40] * 20))
    fill = row(effects, "licensed_and_intake", "time_to_fill")
    assert fill["effect"] == 1.0 and fill["ci_low"] <= 1 <= fill["ci_high"]
    assert fill["verdict"] == program_effect.NO_CLEAR_DIFFERENCE


def test_pooled_outcomes_and_the_stratified_ratio_by_hand():
    # Sales: with 10 days, without 20 (ratio 0.5); Support: 30 vs 30 (ratio 1); 4 + 4 each
    data = units(
        [10, 10, 30, 30],
        [20, 20, 30, 30],
        departments=["Sales", "Sales", "Support", "Support"] * 2,
        quality=[80.0, 70.0, 75.0, None, 60.0, 70.0, 50.0, 60.0],
    )
    effects = program_effect.program_effect(data, min_n=2, min_group_size=1, resamples=200)
    fill = row(effects, "licensed_and_intake", "time_to_fill")
    assert (fill["value_with"], fill["value_without"], fill["effect"]) == (20.0, 25.0, 0.8)
    # weighted geometric mean, weights 4 and 4: exp((4 ln 0.5 + 4 ln 1) / 8) = sqrt(0.5)
    assert fill["stratified_effect"] == pytest.approx(math.sqrt(0.5))
    assert fill["strata_n"] == 2
    quality = row(effects, "licensed_and_intake", "quality_of_hire")
    # mean of 80, 70, 75 (the null is left out) = 75 vs mean of 60, 70, 50, 60 = 60
    assert (quality["n_with"], quality["n_without"]) == (3, 4)
    assert quality["effect"] == pytest.approx(15.0)
    # Sales: 75 - 65 = 10 (weight 4); Support: 75 - 55 = 20 (weight 3): 100 / 7
    assert quality["stratified_effect"] == pytest.approx(100 / 7)
    offers = row(effects, "licensed_and_intake", "offer_acceptance")
    # accepted 1 per opening; declined where i % 3 == 0: i = 0, 3 (with) and 6 (without)
    assert offers["value_with"] == pytest.approx(100 * 4 / 6)
    assert offers["value_without"] == pytest.approx(100 * 4 / 5)
    nps = row(effects, "licensed_and_intake", "candidate_nps")
    assert nps["value_with"] == pytest.approx(100 * (8 - 4) / 16)  # 25
    assert "a candidate NPS of 25 vs 25" in nps["sentence"]


# --- the asset, end to end -------------------------------------------------------------


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    """orchestration.assets.statistics; importing the assets package needs the dbt manifest."""
    from orchestration.transform import ensure_manifest

    ensure_manifest(tmp_path_factory.mktemp("manifest_wh") / "warehouse.duckdb")
    return importlib.import_module("orchestration.assets.statistics")


def warehouse_with_inputs(assets, tmp_path, selection, effect_units):
    db = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    for step, frame in zip(assets.STEPS, [selection, effect_units], strict=True):
        columns = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in step.input_columns.items())
        con.register("frame", frame)
        con.execute(f"create table {step.input_table} as select {columns} from frame")
        con.unregister("frame")
    con.close()
    return db


def resources(warehouse: WarehouseResource) -> dict:
    return {
        "warehouse": warehouse,
        "refresh_lock": RefreshLockResource(warehouse_dir=warehouse.warehouse_dir),
    }


def test_the_asset_writes_both_tables_and_passes_its_contract_checks(assets, tmp_path):
    db = warehouse_with_inputs(assets, tmp_path, HAND_TABLE, known_effect_units())
    warehouse = WarehouseResource(exports_dir=str(tmp_path), warehouse_dir=str(tmp_path))
    result = materialize([assets.statistics], resources=resources(warehouse))
    assert result.success
    checks = result.get_asset_check_evaluations()
    assert {(c.asset_key, c.check_name, c.passed) for c in checks} == {
        (AssetKey(["marts", "fct_selection_rates"]), "contract", True),
        (AssetKey(["marts", "fct_program_effect"]), "contract", True),
    }
    con = duckdb.connect(str(db), read_only=True)
    try:
        shown = con.execute(
            "select group_name, selection_rate, passed_n from marts.fct_selection_rates"
            " where is_suppressed order by group_name"
        ).fetchall()
        assert shown == [("Non-binary", None, None), ("Not disclosed", None, None)]
        assert con.execute("select count(*) from marts.fct_program_effect").fetchone()[0] == 25
    finally:
        con.close()


def test_the_contract_check_counts_a_suppressed_row_that_shows_a_value(assets, tmp_path):
    db = warehouse_with_inputs(assets, tmp_path, HAND_TABLE, known_effect_units())
    warehouse = WarehouseResource(exports_dir=str(tmp_path), warehouse_dir=str(tmp_path))
    assert materialize([assets.statistics], resources=resources(warehouse)).success
    con = duckdb.connect(str(db))
    try:
        con.execute(
            "update marts.fct_selection_rates set selection_rate = 0.25"
            " where group_name = 'Non-binary'"
        )
        found = assets.contract_violations(con, assets.STEPS[0])
        assert found["leaked"] == 1 and not found["wrong_types"]
        con.execute("alter table marts.fct_program_effect alter n_with type double")
        assert "n_with" in assets.contract_violations(con, assets.STEPS[1])["wrong_types"]
    finally:
        con.close()


def test_the_asset_depends_on_the_two_input_marts(assets):
    deps = {dep.asset_key for spec in assets.statistics.specs for dep in spec.deps}
    assert deps == {
        AssetKey(["marts", "fct_selection_counts"]),
        AssetKey(["marts", "fct_program_effect_units"]),
    }
