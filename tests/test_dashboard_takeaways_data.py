"""Takeaways and specs of the Fairness and Data health pages, on hand-made frames."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboards import chart_specs, charts, formats, takeaways
from dashboards.scope import ALL_DEPARTMENTS, Scope

WHOLE = Scope(department=ALL_DEPARTMENTS, quarter=date(2026, 7, 1), as_of=date(2026, 9, 30))
SALES = Scope(department="Sales", quarter=date(2026, 7, 1), as_of=date(2026, 9, 30))

SELECTION_COLUMNS = [
    "transition",
    "transition_order",
    "group_name",
    "passed_n",
    "rejected_n",
    "applicants_n",
    "selection_rate",
    "highest_group",
    "highest_rate",
    "impact_ratio",
    "is_flagged",
    "fisher_p_value",
    "shortfall",
    "is_suppressed",
    "suppression_reason",
    "min_group_size",
]


def selection(*rows: tuple) -> pd.DataFrame:
    """Rows: transition, order, group, passed, rejected, flagged, p, suppressed, reason.

    Rates, ratios and shortfalls are worked out here as the mart defines them, against
    the group named 'Ref' (the reference) of the same transition."""
    frame = pd.DataFrame(
        rows,
        columns=["transition", "transition_order", "group_name", "passed_n", "rejected_n"]
        + ["is_flagged", "fisher_p_value", "is_suppressed", "suppression_reason"],
    )
    frame["applicants_n"] = frame["passed_n"] + frame["rejected_n"]
    frame["selection_rate"] = frame["passed_n"] / frame["applicants_n"]
    reference = frame[frame["group_name"] == "Ref"].set_index("transition")["selection_rate"]
    frame["highest_group"] = "Ref"
    frame["highest_rate"] = frame["transition"].map(reference)
    frame["impact_ratio"] = frame["selection_rate"] / frame["highest_rate"]
    frame["shortfall"] = frame["applicants_n"] * frame["highest_rate"] - frame["passed_n"]
    frame["min_group_size"] = 5
    hidden = frame["is_suppressed"]
    for column in ["passed_n", "rejected_n", "applicants_n", "selection_rate"] + [
        "impact_ratio",
        "shortfall",
    ]:
        frame[column] = frame[column].astype("Float64").mask(hidden, pd.NA)
    frame["is_flagged"] = frame["is_flagged"].astype("boolean")
    return frame[SELECTION_COLUMNS]


# Ref 40 of 100 at onsite (0.4); Women 20 of 100 = 0.2, ratio 0.5, shortfall 100 x 0.4 - 20 = 20;
# Not disclosed 30 of 100 = 0.3: ratio 0.75 but never flagged; Tiny: 3 applicants, hidden.
# Overall: Ref 10 of 100 (0.1); Women 7 of 100 = 0.07, ratio 0.7, shortfall 3, p = 0.6.
GAPS = selection(
    ("onsite", 5, "Ref", 40, 60, False, None, False, None),
    ("onsite", 5, "Women", 20, 80, True, 0.003, False, None),
    ("onsite", 5, "Tiny", 1, 2, True, 0.5, True, "fewer than min_group_size"),
    ("onsite", 5, "Not disclosed", 30, 70, None, 0.2, False, None),
    ("overall", 99, "Ref", 10, 90, False, None, False, None),
    ("overall", 99, "Women", 7, 93, True, 0.6, False, None),
)


def test_the_grid_counts_flags_and_names_the_largest_shortfall() -> None:
    # Compared cells: every row whose flag is not null (Not disclosed is not compared) = 5;
    # flagged: Women at onsite, Tiny at onsite (suppressed), Women overall = 3.
    assert takeaways.impact_ratio_grid(GAPS, WHOLE) == (
        "3 of 5 comparisons are under four-fifths of the highest group's selection rate;"
        " the largest shortfall: Women at onsite (impact ratio 0.50, p = 0.003, 20 fewer"
        " selected than at the highest rate). 1 cell has too few applicants to show."
    )


def test_the_grid_without_flags_says_so() -> None:
    even = selection(
        ("overall", 99, "Ref", 10, 90, False, None, False, None),
        ("overall", 99, "Men", 9, 91, False, 0.8, False, None),
    )
    assert takeaways.impact_ratio_grid(even, WHOLE) == (
        "No group's selection rate is under four-fifths of the highest group's at any stage"
        " (2 comparisons)."
    )
    assert takeaways.impact_ratio_grid(even.iloc[0:0], WHOLE) is None


def test_flags_are_weighed_by_fishers_p() -> None:
    # p: 0.003 (Women, onsite), 0.5 (Tiny), 0.6 (Women, overall): one under 0.05.
    assert takeaways.flagged_groups(GAPS, WHOLE) == (
        "1 of 3 flags have Fisher's p under 0.05: a gap that size is unlikely to be chance alone."
    )
    overall = GAPS[GAPS["transition"] == "overall"]
    assert takeaways.impact_ratio_grid(overall, WHOLE) == (
        "1 of 2 comparisons are under four-fifths of the highest group's selection rate;"
        " the largest shortfall: Women from application to hire (impact ratio 0.70, p = 0.60,"
        " 3 fewer selected than at the highest rate)."
    )
    chance = overall
    assert takeaways.flagged_groups(chance, WHOLE) == (
        "None of the 1 flag has Fisher's p under 0.05: each could be chance, so watch,"
        " do not conclude."
    )


def cell_texts(figure) -> dict[tuple[str, str], str]:
    heatmap = figure.data[0]
    return {
        (y, x): heatmap.text[i][j] for i, y in enumerate(heatmap.y) for j, x in enumerate(heatmap.x)
    }


def test_the_grid_shows_suppression_and_non_response_as_their_own_cells() -> None:
    figure = charts.impact_ratio_grid(GAPS, "subtitle", dimension_name="Gender")
    texts = cell_texts(figure)

    assert figure.layout.title.text.startswith("Impact ratio by stage · Gender")
    assert list(figure.data[0].x) == ["Onsite", "Overall: applied → hired"]
    assert texts[("Women", "Onsite")] == "0.50 ⚑<br>20%"
    assert texts[("Ref", "Onsite")] == "40%<br>reference"
    assert texts[("Tiny", "Onsite")] == "fewer than<br>5 applicants ⚑"
    assert texts[("Not disclosed", "Onsite")] == "0.75<br>30%"  # compared, never flagged
    assert figure.data[0].z[2][0] is None  # a hidden cell has no colour


def test_the_flag_table_hides_a_small_groups_numbers_but_keeps_its_test() -> None:
    figure = charts.flagged_groups_table(GAPS, "subtitle", dimension_name="Gender")
    columns = figure.data[0].cells.values

    assert list(columns[1]) == ["Women", "Tiny", "Women"]
    assert list(columns[2]) == ["100", "fewer than 5 applicants", "100"]
    assert list(columns[3])[0] == "20% vs 40% (Ref)"
    assert list(columns[4]) == ["0.50", formats.MISSING, "0.70"]
    assert list(columns[5]) == ["p = 0.003", "p = 0.50", "p = 0.60"]
    assert list(columns[6]) == ["20 fewer selected", formats.MISSING, "3 fewer selected"]


def test_fairness_specs_ignore_the_quarter_and_refuse_one_department() -> None:
    spec = chart_specs.SELECTION_GRIDS["gender"]
    assert spec.title == "Impact ratio by stage · Gender"
    assert not spec.unsupported(WHOLE)
    assert spec.unsupported_reason(SALES) == (
        "not available for one department: the snapshot holds it for the whole organization only."
    )
    assert chart_specs.FLAGGED_TABLES["gender_x_race"].title == (
        "Groups under four-fifths · Gender × race and ethnicity"
    )


def test_p_values_read_against_the_usual_threshold() -> None:
    assert formats.p_value(0.0004) == "p < 0.001"
    assert formats.p_value(0.0123) == "p = 0.012"
    assert formats.p_value(0.049) == "p = 0.049"
    assert formats.p_value(0.5) == "p = 0.50"
    assert formats.p_value(None) == formats.MISSING


# --- Data health -------------------------------------------------------------------------


def history(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["load_id", "refreshed_at", "outcome", "failed_step", "as_of_date"]
        + ["files_loaded", "rows_loaded", "rows_quarantined"],
    ).assign(refreshed_at=lambda f: pd.to_datetime(f["refreshed_at"]))


def test_refresh_history_names_the_latest_publish_and_counts_failures() -> None:
    frame = history(
        ("a", "2026-11-20 06:00", "published", None, date(2026, 11, 19), 32, 85000, 0),
        ("b", "2026-11-21 06:00", "failed", "hiring_dbt_models", None, 3, 900, 2),
        ("c", "2026-11-22 06:00", "published", None, date(2026, 11, 21), 2, 1200, 1),
    )
    assert takeaways.refresh_history(frame, WHOLE) == (
        "The latest refresh published on 22 Nov 2026 (as of 21 Nov 2026): 1,200 rows loaded,"
        " 1 quarantined. 1 of 3 refreshes failed."
    )
    assert takeaways.refresh_history(frame.iloc[1:2], WHOLE) == (
        "No refresh has published yet. 1 of 1 refresh failed."
    )
    unchanged = history(("d", "2026-11-23 06:00", "published", None, date(2026, 11, 21), 0, 0, 0))
    assert takeaways.refresh_history(unchanged, WHOLE) == (
        "The latest refresh published on 23 Nov 2026 (as of 21 Nov 2026): no export file had"
        " changed, so nothing new was loaded."
    )


def files(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["source_system", "file", "loaded_this_refresh", "rows_loaded"]
        + ["rows_quarantined"],
    )


def test_rows_by_file_names_the_sources_and_the_unchanged_files() -> None:
    frame = files(
        ("greenhouse", "greenhouse/applications.json", True, 8000, 3),
        ("lever", "lever/opportunities.json", False, 1200, 0),
        ("people", "people/employees.csv", True, 500, 0),
    )
    assert takeaways.rows_by_file(frame, WHOLE) == (
        "3 files from Greenhouse, Lever and HR files (not an ATS): 9,700 rows loaded,"
        " 3 quarantined. 1 file was unchanged and kept from an earlier refresh."
    )


def test_quarantine_names_the_biggest_reason() -> None:
    frame = pd.DataFrame(
        {
            "file": ["greenhouse/offers.json", "greenhouse/offers.json", "people/employees.csv"],
            "field": ["status", "sent_at", "start_date"],
            "reason_code": ["not_in_set", "wrong_type", "wrong_type"],
            "rows": [2, 7, 3],
        }
    )
    assert takeaways.quarantine_by_reason(frame, WHOLE) == (
        "Most quarantined rows: greenhouse/offers.json, sent_at: wrong type (7 of 12)."
    )


def checks(*statuses: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "check_type": ["dbt test"] * len(statuses),
            "check_name": [f"test_{i}" for i in range(len(statuses))],
            "target": ["fct_applications"] * len(statuses),
            "status": list(statuses),
            "failing_rows": [0 if s == "pass" else 4 for s in statuses],
        }
    )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("pass", "pass"), "All 2 checks passed."),
        (
            ("pass", "warn", "fail"),
            "1 failed and 1 warned of 3 checks; first: test_2 on fct_applications (4 rows).",
        ),
    ],
)
def test_checks_say_what_did_not_pass(statuses: tuple[str, ...], expected: str) -> None:
    assert takeaways.check_results(checks(*statuses), WHOLE) == expected


def test_data_health_specs_are_never_hidden_by_a_filter() -> None:
    one_manager = Scope(ALL_DEPARTMENTS, WHOLE.quarter, hiring_manager="greenhouse:1")
    for spec in (
        chart_specs.REFRESH_HISTORY,
        chart_specs.ROWS_BY_FILE,
        chart_specs.QUARANTINE_BY_REASON,
        chart_specs.CHECK_RESULTS,
    ):
        assert not spec.unsupported(SALES) and not spec.unsupported(one_manager), spec.id
