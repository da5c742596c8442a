"""The Overview page, run headless by Streamlit's AppTest against a real published snapshot.

Expected numbers are read straight from the snapshot's KPI tables: the page must
show what the warehouse holds, scoped to the sidebar's department and quarter.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from dashboards import data

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
ALL = "All departments"


# --- reading the snapshot and the rendered page -------------------------------------


def fetch(db: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).df()


def as_of_quarter(db: Path) -> date:
    as_of = pd.Timestamp(fetch(db, "select as_of_date from meta_as_of")["as_of_date"][0]).date()
    return date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)


def quarter_row(db: Path, table: str, department: str, quarter: date) -> pd.Series | None:
    # Table names come from the tests themselves, never from input.
    frame = fetch(
        db,
        f"select * from {table} where period_grain = 'quarter' and department = ? and source_system = 'All ATSs' "
        "and period_start = ?",
        [department, quarter],
    )
    return None if frame.empty else frame.iloc[0]


def described(db: Path, metric: str) -> str:
    """The metric's one description (its dbt docs block) as the snapshot holds it."""
    frame = fetch(db, "select description from meta_metric_docs where metric = ?", [metric])
    assert len(frame) == 1, f"no description of {metric} in the snapshot"
    return frame["description"][0]


def add_months(day: date, months: int) -> date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def departments(db: Path) -> list[str]:
    return sorted(fetch(db, "select distinct department from fct_applications")["department"])


def quarter_name(quarter: date) -> str:
    return f"Q{(quarter.month - 1) // 3 + 1} {quarter.year}"


def monthly_time_to_hire(db: Path, department: str, quarter: date) -> pd.DataFrame:
    """The kpi_time_to_hire months of the year ending with `quarter`, indexed by month."""
    end = add_months(quarter, 3)
    frame = fetch(
        db,
        "select period_start, hires_n, median_days, p75_days from kpi_time_to_hire "
        "where period_grain = 'month' and department = ? and source_system = 'All ATSs' "
        "and period_start >= ? and period_start < ? order by period_start",
        [department, add_months(end, -12), end],
    )
    frame.index = [pd.Timestamp(month).date() for month in frame.pop("period_start")]
    return frame


def shown_days(value: float) -> str:
    return f"{value:g} {'day' if value == 1 else 'days'}"


def decode(array: object) -> list:
    """Plotly JSON stores numeric arrays as {'dtype', 'bdata' (base64)}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def figures(at: AppTest) -> dict[str, dict]:
    """Each rendered plotly figure, keyed by its title (without the subtitle)."""
    found = {}
    for element in at.get("plotly_chart"):
        figure = json.loads(element.proto.spec)
        found[figure["layout"]["title"]["text"].split("<br>")[0]] = figure
    return found


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


def month_series(figure: dict, name: str) -> dict[date, float]:
    chosen = trace(figure, name)
    months = [pd.Timestamp(x).date() for x in decode(chosen["x"])]
    return dict(zip(months, decode(chosen["y"]), strict=True))


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture
def published_copy(demo_published: Path, tmp_path: Path) -> Path:
    """A private copy, for tests that edit or replace the snapshot."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    return Path(shutil.copy(demo_published, folder / "published.duckdb"))


def run_app(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv(data.PUBLISHED_DB_ENV, str(db))
    return AppTest.from_file(str(APP), default_timeout=60).run()


@pytest.fixture
def overview(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    at = run_app(monkeypatch, demo_published)
    assert not at.exception, [e.value for e in at.exception]
    return at


def tile(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


# --- the page renders what the KPI tables hold -----------------------------------------


def test_overview_renders_title_four_tiles_and_five_charts(overview: AppTest) -> None:
    assert [t.value for t in overview.title] == ["Overview"]
    assert [m.label for m in overview.metric] == [
        "Time to hire (median)",
        "Time to fill (median)",
        "Offer acceptance",
        "Open openings",
    ]
    assert sorted(figures(overview)) == sorted(
        [
            "Time to hire by month",
            "Time to fill by month",
            "Offer acceptance by month",
            "Source of hire",
            "Stage pass-through",
        ]
    )


def test_period_defaults_to_the_quarter_holding_the_as_of_date(
    overview: AppTest, demo_published: Path
) -> None:
    assert overview.selectbox(key="quarter").value == as_of_quarter(demo_published)
    assert overview.selectbox(key="department").value == ALL
    departments = fetch(
        demo_published,
        "select department from fct_applications union select department from fct_openings",
    )["department"]
    assert overview.selectbox(key="department").options == [ALL, *sorted(departments.dropna())]


def previous_quarter(quarter: date) -> date:
    return add_months(quarter, -3)


def delta_color(change: float, lower_is_better: bool) -> int:
    if change == 0:
        return MetricProto.MetricColor.GRAY
    good = change < 0 if lower_is_better else change > 0
    return MetricProto.MetricColor.GREEN if good else MetricProto.MetricColor.RED


@pytest.mark.parametrize(
    ("label", "table", "n_column", "counted", "metric"),
    [
        ("Time to hire (median)", "kpi_time_to_hire", "hires_n", ("hire", "hires"), "time_to_hire"),
        (
            "Time to fill (median)",
            "kpi_time_to_fill",
            "openings_filled_n",
            ("opening filled", "openings filled"),
            "time_to_fill",
        ),
    ],
)
def test_time_tiles_show_the_quarter_median_and_its_change(
    overview: AppTest,
    demo_published: Path,
    label: str,
    table: str,
    n_column: str,
    counted: tuple[str, str],
    metric: str,
) -> None:
    quarter = as_of_quarter(demo_published)
    now = quarter_row(demo_published, table, ALL, quarter)
    before = quarter_row(demo_published, table, ALL, previous_quarter(quarter))
    assert now is not None, f"the demo snapshot has no {table} row for {quarter}"
    shown = tile(overview, label)

    assert shown.value == shown_days(now["median_days"])
    assert shown.help == described(demo_published, metric)
    assert shown.help.startswith(f"**{label.removesuffix(' (median)')}**")
    if before is not None:
        change = now["median_days"] - before["median_days"]
        assert float(shown.delta.split()[0]) == pytest.approx(change)
        # Time is better when it falls: a rise shows red, a fall green.
        assert shown.proto.color == delta_color(change, lower_is_better=True)
        assert shown.proto.delta_description == f"vs {quarter_name(previous_quarter(quarter))}"
    n = int(now[n_column])
    assert f"{n} {counted[int(n != 1)]} in {quarter_name(quarter)}" in overview.caption.values


def test_offer_acceptance_tile_shows_the_quarter_rate_and_its_change_in_points(
    overview: AppTest, demo_published: Path
) -> None:
    quarter = as_of_quarter(demo_published)
    now = quarter_row(demo_published, "kpi_offer_acceptance", ALL, quarter)
    before = quarter_row(demo_published, "kpi_offer_acceptance", ALL, previous_quarter(quarter))
    shown = tile(overview, "Offer acceptance")

    assert shown.value == f"{round(now['acceptance_rate'] * 100)}%"
    assert shown.help == described(demo_published, "offer_acceptance_rate")
    assert "accepted ÷ (accepted + declined)" in shown.help
    if before is not None:
        change = (now["acceptance_rate"] - before["acceptance_rate"]) * 100
        assert shown.delta == f"{round(change):+d} pp" or (
            round(change) == 0 and shown.delta == "0"
        )
        assert shown.proto.color == delta_color(round(change), lower_is_better=False)


def test_open_openings_tile_shows_the_count_and_median_age(
    overview: AppTest, demo_published: Path
) -> None:
    row = fetch(
        demo_published,
        "select * from kpi_open_openings where department = ? and source_system = 'All ATSs'",
        [ALL],
    )
    shown = tile(overview, "Open openings")

    assert shown.value == str(row["open_openings_n"][0])
    assert shown.delta == f"median age {shown_days(row['median_open_age_days'][0])}"


def test_choosing_an_earlier_quarter_shows_that_quarters_kpis(
    overview: AppTest, demo_published: Path
) -> None:
    earlier = previous_quarter(as_of_quarter(demo_published))
    overview.selectbox(key="quarter").select(earlier).run()
    row = quarter_row(demo_published, "kpi_time_to_hire", ALL, earlier)

    assert not overview.exception
    assert tile(overview, "Time to hire (median)").value == shown_days(row["median_days"])
    assert f"{ALL} · {quarter_name(earlier)}" in overview.caption[0].value


# --- charts -----------------------------------------------------------------------------


def test_every_trace_is_named_and_every_axis_has_a_title(overview: AppTest) -> None:
    for title, figure in figures(overview).items():
        assert all(t.get("name") and not t["name"].startswith("trace") for t in figure["data"])
        axes = [v for k, v in figure["layout"].items() if k.startswith(("xaxis", "yaxis"))]
        titled = [a for a in axes if a.get("title", {}).get("text")]
        assert len(titled) >= 1 + (title != "Source of hire"), title


def test_time_to_hire_chart_plots_the_monthly_kpi_rows(
    overview: AppTest, demo_published: Path
) -> None:
    chart = figures(overview)["Time to hire by month"]
    expected = monthly_time_to_hire(demo_published, ALL, as_of_quarter(demo_published))

    assert month_series(chart, "Median") == expected["median_days"].to_dict()
    assert month_series(chart, "75th percentile") == expected["p75_days"].to_dict()
    assert decode(trace(chart, "Median")["customdata"]) == expected["hires_n"].tolist()


def test_choosing_a_department_scopes_the_time_to_hire_chart_to_its_rows(
    overview: AppTest, demo_published: Path
) -> None:
    quarter = as_of_quarter(demo_published)
    # The department with the most months of hires in the window makes the sharpest test.
    department = fetch(
        demo_published,
        "select department, count(*) as months from kpi_time_to_hire "
        "where period_grain = 'month' and department <> ? and source_system = 'All ATSs' and period_start >= ? "
        "group by department order by months desc, department limit 1",
        [ALL, date(quarter.year - 1, quarter.month, 1)],
    )["department"][0]
    org_wide = month_series(figures(overview)["Time to hire by month"], "Median")

    overview.selectbox(key="department").select(department).run()
    scoped = month_series(figures(overview)["Time to hire by month"], "Median")

    expected = monthly_time_to_hire(demo_published, department, quarter)
    assert scoped == expected["median_days"].to_dict()
    assert scoped != org_wide
    assert department in figures(overview)["Time to hire by month"]["layout"]["title"]["text"]


def test_funnel_lists_canonical_stages_in_order_with_in_progress_beside(
    overview: AppTest, demo_published: Path
) -> None:
    funnel = figures(overview)["Stage pass-through"]
    rows = fetch(
        demo_published,
        "select * from kpi_stage_pass_through where period_grain = 'quarter' "
        "and department = ? and source_system = 'All ATSs' and period_start = ? order by canonical_stage_order",
        [ALL, as_of_quarter(demo_published)],
    )
    rate = trace(funnel, "Pass-through rate")
    in_progress = trace(funnel, "In progress")
    readable = [stage.replace("_", " ").capitalize() for stage in rows["canonical_stage"]]

    assert decode(rate["y"]) == readable
    assert decode(rate["x"]) == pytest.approx(
        (rows["pass_through_rate"] * 100).tolist(), nan_ok=True
    )
    assert decode(in_progress["x"]) == rows["in_progress_n"].tolist()
    assert in_progress["xaxis"] == "x2"  # its own panel, never part of the rate


def test_source_of_hire_shows_the_quarters_shares_largest_first(
    overview: AppTest, demo_published: Path
) -> None:
    bars = trace(figures(overview)["Source of hire"], "Share of hires")
    rows = fetch(
        demo_published,
        "select * from kpi_source_of_hire where period_grain = 'quarter' and department = ? and source_system = 'All ATSs' "
        "and period_start = ? order by hires_n desc, source_name",
        [ALL, as_of_quarter(demo_published)],
    )

    assert decode(bars["y"]) == rows["source_name"].tolist()
    assert decode(bars["x"]) == pytest.approx((rows["share_of_hires"] * 100).tolist())


def test_charts_no_tile_explains_carry_their_metric_description(
    overview: AppTest, demo_published: Path
) -> None:
    captions = overview.caption.values
    assert described(demo_published, "source_of_hire") in captions
    assert described(demo_published, "pass_through_rate") in captions
    assert tile(overview, "Open openings").help == described(demo_published, "open_opening_age")


# --- empty and error states -------------------------------------------------------------


def test_a_snapshot_without_metric_descriptions_shows_a_fallback(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    """A metric without a description, or a snapshot from before meta_metric_docs."""
    older = Path(shutil.copy(published_copy, published_copy.with_name("older.duckdb")))
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from meta_metric_docs where metric = 'time_to_fill'")
    at = run_app(monkeypatch, published_copy)
    assert not at.exception, [e.value for e in at.exception]
    assert tile(at, "Time to fill (median)").help == data.METRIC_HELP_FALLBACK
    assert tile(at, "Time to hire (median)").help.startswith("**Time to hire**")

    with duckdb.connect(str(older)) as con:
        con.execute("drop table meta_metric_docs")
    at = run_app(monkeypatch, older)
    assert not at.exception, [e.value for e in at.exception]
    assert {m.help for m in at.metric} == {data.METRIC_HELP_FALLBACK}
    assert len(figures(at)) == 5


def test_missing_snapshot_shows_the_refresh_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = run_app(monkeypatch, tmp_path / "published.duckdb")

    assert not at.exception
    assert "No published data yet" in at.info[0].value
    assert at.code[0].value == "hiring refresh --exports DIR --warehouse DIR"
    assert not at.metric and not at.get("plotly_chart")


def test_unreadable_snapshot_shows_an_error_instead_of_numbers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "published.duckdb"
    broken.write_bytes(b"not a duckdb file" * 100)
    at = run_app(monkeypatch, broken)

    assert not at.exception
    assert "could not be read" in at.error[0].value
    assert not at.metric and not at.get("plotly_chart")


def test_a_department_without_hires_gets_a_note_instead_of_an_empty_chart(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    department = "Engineering" if "Engineering" in departments(published_copy) else None
    department = department or departments(published_copy)[0]
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from kpi_source_of_hire where department = ?", [department])
    at = run_app(monkeypatch, published_copy)
    at.selectbox(key="department").select(department).run()

    assert "Source of hire" not in figures(at)
    quarter = quarter_name(as_of_quarter(published_copy))
    assert any(
        f"**Source of hire**: no hires in {department} in {quarter}." == note.value
        for note in at.info
    )


def test_a_refreshed_snapshot_is_shown_without_a_restart(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    at = run_app(monkeypatch, published_copy)
    quarter = as_of_quarter(published_copy)
    # A refresh writes a new file beside the old one and renames it over it.
    refreshed = published_copy.with_name("published.next.duckdb")
    shutil.copy(published_copy, refreshed)
    with duckdb.connect(str(refreshed)) as con:
        con.execute(
            "update kpi_time_to_hire set median_days = 123.5 where period_grain = 'quarter' "
            "and department = ? and source_system = 'All ATSs' and period_start = ?",
            [ALL, quarter],
        )
    os.replace(refreshed, published_copy)

    at.run()
    assert tile(at, "Time to hire (median)").value == "123.5 days"


# --- minimum group size -------------------------------------------------------------------


def test_groups_below_the_minimum_size_keep_their_row_but_lose_their_values() -> None:
    frame = pd.DataFrame(
        {"group": ["a", "b", "c"], "responses_n": [4, 5, 12], "nps": [50.0, -20.0, 33.3]}
    )
    shown = data.suppress_small_groups(frame, "responses_n", ["nps"])

    assert shown["group"].tolist() == ["a", "b", "c"]
    assert shown["suppressed"].tolist() == [True, False, False]
    assert pd.isna(shown["nps"][0])
    assert shown["nps"][1:].tolist() == [-20.0, 33.3]
    assert data.fewer_than_label() == "fewer than 5"
