"""The Fairness and Data health pages, run headless by AppTest on the demo snapshot.

Expected values are read with SQL from the snapshot: a page shows what the tables hold.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_dashboard_app import (
    decode,
    described,
    fetch,
    figures,
    open_page,
    published_copy,  # noqa: F401  (fixture)
    run_app,
    run_app_with,
    tile,
    trace,
)


def texts(figure: dict) -> dict[tuple[str, str], str]:
    """A heatmap's cell texts by (group label, stage label)."""
    heatmap = figure["data"][0]
    return {
        (y, x): heatmap["text"][i][j]
        for i, y in enumerate(heatmap["y"])
        for j, x in enumerate(heatmap["x"])
    }


def notes(at: AppTest) -> list[str]:
    return [n.value for n in at.info]


# --- Fairness ------------------------------------------------------------------------------


@pytest.fixture
def fairness(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    return open_page(run_app(monkeypatch, demo_published), "fairness")


def test_fairness_shows_the_impact_ratio_of_every_group_at_every_stage(
    fairness: AppTest, demo_published: Path
) -> None:
    assert [t.value for t in fairness.title] == ["Fairness"]
    grid = figures(fairness)["Impact ratio by stage · Gender"]
    rows = fetch(
        demo_published,
        "select group_name, impact_ratio, selection_rate, is_flagged from fct_selection_rates"
        " where dimension = 'gender' and transition = 'application_review'"
        " and group_name <> highest_group",
    )
    cells = texts(grid)
    for row in rows.itertuples():
        flag = " ⚑" if not pd.isna(row.is_flagged) and bool(row.is_flagged) else ""
        expected = f"{row.impact_ratio:.2f}{flag}<br>{row.selection_rate:.0%}"
        assert cells[(row.group_name, "Application review")] == expected
    # Non-response is its own row, never dropped.
    assert ("Not disclosed", "Overall: applied → hired") in cells
    assert "Groups under four-fifths · Gender" in figures(fairness)


def test_fairness_tiles_count_what_the_mart_flags(fairness: AppTest, demo_published: Path) -> None:
    counts = fetch(
        demo_published,
        "select count(*) filter (where is_flagged) as flags,"
        " count(*) filter (where is_flagged and fisher_p_value < 0.05) as significant,"
        " max(applicants_n) filter (where transition = 'overall' and group_name = 'Not disclosed')"
        " as not_disclosed"
        " from fct_selection_rates where dimension = 'gender'",
    ).iloc[0]
    assert tile(fairness, "Flags at any stage").value == str(counts["flags"])
    assert f"{counts['significant']} with Fisher's p under 0.05" in fairness.caption.values
    assert tile(fairness, "Did not self-identify").value == f"{int(counts['not_disclosed']):,}"
    assert tile(fairness, "Minimum group size").value == "5 applicants"


def test_choosing_a_dimension_changes_the_numbers(fairness: AppTest, demo_published: Path) -> None:
    gender_flags = tile(fairness, "Flags at any stage").value
    fairness.selectbox(key="dimension").select("race_ethnicity").run()

    flags = fetch(
        demo_published,
        "select count(*) as n from fct_selection_rates"
        " where dimension = 'race_ethnicity' and is_flagged",
    )["n"][0]
    assert tile(fairness, "Flags at any stage").value == str(flags) != gender_flags
    assert "Impact ratio by stage · Race and ethnicity" in figures(fairness)


def test_small_groups_say_fewer_than_and_keep_their_row(
    fairness: AppTest, demo_published: Path
) -> None:
    fairness.selectbox(key="dimension").select("gender_x_race").run()
    hidden = fetch(
        demo_published,
        "select group_name, transition, suppression_reason from fct_selection_rates"
        " where dimension = 'gender_x_race' and is_suppressed",
    )
    assert len(hidden) > 0, "the demo has small gender × race groups"
    cells = texts(figures(fairness)["Impact ratio by stage · Gender × race and ethnicity"])
    for row in hidden.itertuples():
        label = next(
            key
            for key in cells
            if key[0].replace("<br>", " ") == row.group_name
            and key[1].lower().replace(" ", "_") == row.transition
        )
        expected = (
            "hidden to protect a smaller group"
            if row.suppression_reason == "complementary"
            else "fewer than 5 applicants"
        )
        assert cells[label].replace("<br>", " ").startswith(expected)
    assert f"{len(hidden)} cells hidden (fewer than 5 applicants)" in fairness.caption.values


def test_a_shared_link_opens_the_same_dimension(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(
        run_app_with(monkeypatch, demo_published, dimension="Veteran status"), "fairness"
    )
    assert at.selectbox(key="dimension").value == "veteran"
    assert "Impact ratio by stage · Veteran status" in figures(at)


def test_fairness_is_not_cut_by_department(fairness: AppTest) -> None:
    fairness.selectbox(key="department").select("Engineering").run()

    assert not figures(fairness)
    assert (
        "**Impact ratio by stage · Gender**: not available for one department: the snapshot"
        " holds it for the whole organization only." in notes(fairness)
    )
    assert tile(fairness, "Flags at any stage").value == "—"


def test_fairness_without_rows_says_so(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from fct_selection_rates")
    at = open_page(run_app(monkeypatch, published_copy), "fairness")

    assert not figures(at)
    assert any("the snapshot holds no selection rates" in n for n in notes(at))


# --- Data health ---------------------------------------------------------------------------


@pytest.fixture
def health(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    return open_page(run_app(monkeypatch, demo_published), "data_health")


def test_data_health_shows_the_refresh_files_and_checks(
    health: AppTest, demo_published: Path
) -> None:
    assert [t.value for t in health.title] == ["Data health"]
    files = fetch(demo_published, "select count(*) as n from meta_loaded_files")["n"][0]
    checks = fetch(
        demo_published,
        "select count(*) filter (where status = 'pass') as passed, count(*) as total"
        " from meta_check_results",
    ).iloc[0]
    assert tile(health, "Files in the snapshot").value == str(files)
    assert tile(health, "Checks passed").value == f"{checks['passed']} of {checks['total']}"
    assert tile(health, "As-of date").value == "2 Nov 2026"

    history = fetch(demo_published, "select rows_loaded from meta_refresh_history")
    shown = figures(health)["Refresh history"]
    assert decode(trace(shown, "Rows loaded")["y"]) == history["rows_loaded"].tolist()
    by_file = figures(health)["Rows loaded by file"]
    lever = fetch(
        demo_published,
        "select sum(rows_loaded) as n from meta_loaded_files where source_system = 'lever'",
    )["n"][0]
    assert sum(decode(trace(by_file, "Lever")["x"])) == lever
    assert any("Greenhouse (ATS) · Lever (ATS)" in m.value for m in health.markdown)
    # What the page rests on, defined once (the dbt docs block), beneath the charts.
    definition = described(demo_published, "data_freshness")
    assert definition in health.caption.values or definition in [m.value for m in health.markdown]


def test_the_demo_quarantined_nothing_and_says_so(health: AppTest) -> None:
    assert (
        "**Quarantined rows by file and reason**: no row was quarantined: every row of every"
        " file passed validation." in notes(health)
    )


def test_filters_do_not_hide_data_health(health: AppTest) -> None:
    before = tile(health, "Files in the snapshot").value
    health.selectbox(key="department").select("Engineering").run()

    assert tile(health, "Files in the snapshot").value == before
    assert not any("not available" in n for n in notes(health))
    assert {"Refresh history", "Rows loaded by file", "Checks of the refresh"} <= set(
        figures(health)
    )


def health_after(monkeypatch: pytest.MonkeyPatch, db: Path, *statements: str) -> AppTest:
    """The Data health page over a copy of the snapshot, once `statements` changed it."""
    with duckdb.connect(str(db)) as con:
        for statement in statements:
            con.execute(statement)
    return open_page(run_app(monkeypatch, db), "data_health")


def test_quarantined_rows_are_counted_by_file_and_reason(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    at = health_after(
        monkeypatch,
        published_copy,
        "insert into meta_quarantine_summary values"
        " ('greenhouse', 'offers', 'greenhouse/offers.json.gz', 'sent_at', 'wrong_type',"
        "  'nulled', 4, null),"
        " ('greenhouse', 'offers', 'greenhouse/offers.json.gz', null, 'duplicate_key',"
        "  'dropped', 2, null)",
    )

    shown = figures(at)["Quarantined rows by file and reason"]
    assert decode(trace(shown, "sent_at: wrong type")["x"]) == [4]
    assert decode(trace(shown, "(whole record): duplicate key")["x"]) == [2]
    assert "Most quarantined rows: greenhouse/offers.json.gz, sent_at: wrong type (4 of 6)." in [
        m.value.strip("*") for m in at.markdown
    ]


def test_each_check_to_look_at_is_listed_with_what_it_requires(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    meaning = fetch(
        published_copy,
        "select meaning from meta_check_results"
        " where check_name = 'assert_as_of_not_long_after_latest_event'",
    )["meaning"][0]
    at = health_after(
        monkeypatch,
        published_copy,
        "update meta_check_results set status = 'warn', failing_rows = 1"
        " where check_name = 'assert_as_of_not_long_after_latest_event'",
    )

    assert meaning.startswith("The as-of date is at most 90 days after the latest event")
    assert (
        "- **warn** · dbt test `assert_as_of_not_long_after_latest_event` on `int_as_of_date`"
        f" (1 failing row): {meaning}" in [m.value for m in at.markdown]
    )


def test_a_snapshot_published_before_checks_had_meanings_still_lists_them(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    at = health_after(
        monkeypatch,
        published_copy,
        "alter table meta_check_results drop column meaning",
        "update meta_check_results set status = 'warn', failing_rows = 2"
        " where target = 'greenhouse/jobs.json.gz'",
    )

    assert not at.exception, [e.value for e in at.exception]
    assert "- **warn** · validation `rows_valid` on `greenhouse/jobs.json.gz` (2 failing rows)" in [
        m.value for m in at.markdown
    ]


def test_data_health_without_rows_shows_empty_states(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    tables = ("meta_refresh_history", "meta_loaded_files", "meta_check_results")
    at = health_after(monkeypatch, published_copy, *(f"delete from {t}" for t in tables))

    assert not figures(at)
    assert (
        "**Refresh history**: the snapshot has no refresh history (published before it was kept)."
        in notes(at)
    )
    assert tile(at, "Files in the snapshot").value == "0"
    assert tile(at, "Checks passed").value == "0 of 0"


def test_expected_values_are_read_from_the_demo(demo_published: Path) -> None:
    """The demo publishes one refresh, 32 files, nothing quarantined (seeds/demo)."""
    history = fetch(demo_published, "select outcome, files_loaded from meta_refresh_history")
    assert history.to_dict("records") == [{"outcome": "published", "files_loaded": 32}]
    assert pd.isna(
        fetch(demo_published, "select max(rows) as n from meta_quarantine_summary")["n"][0]
    )
