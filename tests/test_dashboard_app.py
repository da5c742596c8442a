"""Every page, run headless by Streamlit's AppTest against a real published snapshot.

Expected numbers are read straight from the snapshot's tables: a page must show
what the warehouse holds, scoped to the sidebar's filters (kept in the URL).
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
from dashboards.periods import shift_quarters

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


def test_overview_renders_title_seven_tiles_and_five_charts(overview: AppTest) -> None:
    assert [t.value for t in overview.title] == ["Overview"]
    assert [m.label for m in overview.metric] == [
        "Time to hire (median)",
        "Time to fill (median)",
        "Offer acceptance",
        "Open openings",
        "Quality of hire (mean)",
        "Candidate NPS",
        "License to Hire coverage",
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


def test_the_subtitle_names_the_latest_event_when_the_as_of_date_is_set_apart(
    overview: AppTest, monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    """By default the as-of date is the latest event's; a far `--as-of` ages every open
    item to it, so the page says where the data really ends."""
    assert overview.caption[0].value == f"{ALL} · Q4 2026 to date · data as of 2 Nov 2026"

    with duckdb.connect(str(published_copy)) as con:
        con.execute("update meta_as_of set as_of_date = date '2031-01-01'")
    far = run_app(monkeypatch, published_copy)

    assert not far.exception, [e.value for e in far.exception]
    latest = "data as of 1 Jan 2031 (latest event 2 Nov 2026)"
    assert far.caption[0].value == f"{ALL} · Q1 2031 to date · {latest}"
    assert f"D{latest[1:]}" in far.sidebar.caption.values


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
    assert data.METRIC_HELP_FALLBACK in at.caption.values  # beneath the charts too
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


# --- filters in the URL -----------------------------------------------------------------------


def run_app_with(monkeypatch: pytest.MonkeyPatch, db: Path, **query: str) -> AppTest:
    """The app opened from a shared link: the filters come from the query string."""
    monkeypatch.setenv(data.PUBLISHED_DB_ENV, str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_shared_link_opens_with_its_filters(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    earlier = previous_quarter(as_of_quarter(demo_published))
    at = run_app_with(
        monkeypatch, demo_published, department="Engineering", quarter=quarter_name(earlier)
    )

    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="department").value == "Engineering"
    assert at.selectbox(key="quarter").value == earlier
    row = quarter_row(demo_published, "kpi_time_to_hire", "Engineering", earlier)
    assert tile(at, "Time to hire (median)").value == shown_days(row["median_days"])


def test_reset_reopens_the_page_without_a_query_string(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = run_app_with(monkeypatch, demo_published, department="Sales", ats="lever")
    assert any('href="./"' in m.value and "Reset filters" in m.value for m in at.markdown)

    open_page(at, "funnel_speed")
    assert any('href="./funnel"' in m.value for m in at.markdown)
    # The link opens the page afresh: filters at their defaults (checked in a browser).


def test_tiles_kept_by_department_only_say_so_for_one_hiring_manager(
    overview: AppTest, demo_published: Path
) -> None:
    manager = "greenhouse:400010"
    overview.selectbox(key="manager").select(manager).run()

    assert tile(overview, "Time to hire (median)").value == "—"
    assert "Kept by department and ATS only: see Hiring managers." in overview.caption.values
    assert "Time to hire by month" not in figures(overview)
    assert any(
        n.value.startswith("**Time to hire by month**: not available for one hiring manager")
        for n in overview.info
    )
    # Candidate NPS is cut by hiring manager: the tile shows theirs.
    nps = fetch(
        demo_published,
        "select nps, is_suppressed from kpi_candidate_nps where period_grain = 'quarter' "
        "and cut_type = 'hiring_manager' and cut_value = ? and period_start = ?",
        [manager, as_of_quarter(demo_published)],
    )
    if not nps["is_suppressed"][0]:
        assert tile(overview, "Candidate NPS").value == f"{nps['nps'][0]:+.0f}"


# --- Funnel & speed ---------------------------------------------------------------------------


@pytest.fixture
def funnel(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    return open_page(run_app(monkeypatch, demo_published), "funnel_speed")


def test_funnel_page_renders_its_charts(funnel: AppTest) -> None:
    assert [t.value for t in funnel.title] == ["Funnel & speed"]
    assert set(figures(funnel)) == {
        "Stage pass-through",
        "Stage aging of open applications",
        "Time in stage",
        "Time to hire by department",
        "Time to fill by department",
        "Time to hire by source",
        "Time to fill by source",
        "Open openings by age",
        "Offer acceptance by month",
        "Why offers were declined",
    }


def test_time_to_hire_by_source_is_each_sources_median_of_the_quarters_hires(
    funnel: AppTest, demo_published: Path
) -> None:
    bars = trace(figures(funnel)["Time to hire by source"], "Median")
    quarter = as_of_quarter(demo_published)
    hires = fetch(
        demo_published,
        "select coalesce(source_name, 'Unknown source') as source_name, time_to_hire_days"
        " from fct_applications where status = 'hired' and time_to_hire_days is not null"
        " and hired_date >= ? and hired_date < ?",
        [quarter, shift_quarters(quarter, 1)],
    )
    # Computed from the application rows, not read back from the KPI table.
    medians = hires.groupby("source_name")["time_to_hire_days"].median().to_dict()
    shown = dict(zip(bars["y"], decode(bars["x"]), strict=True))

    assert len(shown) == len(medians) > 1
    assert shown == pytest.approx(medians)


def test_time_in_stage_shows_the_quarter_per_stage(funnel: AppTest, demo_published: Path) -> None:
    bars = trace(figures(funnel)["Time in stage"], "Median")
    expected = fetch(
        demo_published,
        "select median_days from kpi_time_in_stage where period_grain = 'quarter'"
        " and department = 'All departments' and source_system = 'All ATSs'"
        " and period_start = ? order by canonical_stage_order",
        [as_of_quarter(demo_published)],
    )
    assert decode(bars["x"]) == expected["median_days"].tolist()


def open_openings(db: Path, department: str | None = None) -> pd.DataFrame:
    return fetch(
        db,
        "select job_name, department, open_age_days from fct_openings "
        "where is_open and not is_evergreen and not is_template "
        "and (? is null or department = ?) order by open_age_days desc, job_name, opening_id",
        [department, department],
    )


def test_open_openings_follow_the_department_filter(funnel: AppTest, demo_published: Path) -> None:
    bars = trace(figures(funnel)["Open openings by age"], "Days open")
    assert decode(bars["x"]) == open_openings(demo_published)["open_age_days"].tolist()

    funnel.selectbox(key="department").select("Engineering").run()
    bars = trace(figures(funnel)["Open openings by age"], "Days open")
    expected = open_openings(demo_published, "Engineering")
    assert decode(bars["x"]) == expected["open_age_days"].tolist()
    assert len(expected) < len(open_openings(demo_published))


def test_stage_aging_counts_every_open_stay(funnel: AppTest, demo_published: Path) -> None:
    figure = figures(funnel)["Stage aging of open applications"]
    shown = sum(sum(decode(t["x"])) for t in figure["data"])
    open_stays = fetch(
        demo_published,
        "select count(*) as n from fct_application_stages as s "
        "join fct_applications as a using (application_id) where s.is_open",
    )["n"][0]
    assert shown == open_stays


def test_funnel_without_open_openings_says_so(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("update fct_openings set is_open = false")
    at = open_page(run_app(monkeypatch, published_copy), "funnel_speed")

    assert "Open openings by age" not in figures(at)
    assert (
        "**Open openings by age**: no opening is open across all departments on the as-of date."
        in [n.value for n in at.info]
    )


# --- Quality of hire -------------------------------------------------------------------------


def cohort_rows(db: Path, department: str, quarter: date) -> pd.DataFrame:
    return fetch(
        db,
        "select * from kpi_quality_of_hire where period_grain = 'quarter' and department = ? "
        "and source_system = 'All ATSs' and period_start > ? and period_start <= ? "
        "order by period_start",
        [department, add_months(quarter, -18), quarter],
    )


def test_quality_page_plots_each_cohort_and_its_censored_hires(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "quality_of_hire")
    quarter = as_of_quarter(demo_published)
    rows = cohort_rows(demo_published, ALL, quarter)

    assert [t.value for t in at.title] == ["Quality of hire"]
    cohorts = figures(at)["Quality of hire by start quarter"]
    assert decode(trace(cohorts, "Quality of hire")["y"]) == pytest.approx(
        rows["quality_of_hire_mean"].tolist(), nan_ok=True
    )
    censored = trace(
        figures(at)["Scored and censored hires by start quarter"], "Censored (too early to score)"
    )
    assert decode(censored["y"]) == rows["censored_n"].tolist()
    now = rows.iloc[-1]
    assert tile(at, "Hires still censored").value == str(now["censored_n"])


def test_quality_follows_the_department_filter(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "quality_of_hire")
    org = decode(trace(figures(at)["Quality of hire by start quarter"], "Quality of hire")["y"])
    at.selectbox(key="department").select("Engineering").run()
    scoped = decode(trace(figures(at)["Quality of hire by start quarter"], "Quality of hire")["y"])

    expected = cohort_rows(demo_published, "Engineering", as_of_quarter(demo_published))
    assert scoped == pytest.approx(expected["quality_of_hire_mean"].tolist(), nan_ok=True)
    assert scoped != pytest.approx(org, nan_ok=True)


def test_quality_without_rows_shows_empty_states(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from kpi_quality_of_hire")
    at = open_page(run_app(monkeypatch, published_copy), "quality_of_hire")

    assert "Quality of hire by start quarter" not in figures(at)
    notes = [n.value for n in at.info]
    assert (
        "**Quality of hire by start quarter**: no hire started across all departments"
        " in the quarters shown." in notes
    )
    assert tile(at, "Quality of hire (mean)").value == "—"


# --- Candidate experience -------------------------------------------------------------------


def nps_row(db: Path, cut_type: str, cut_value: str, quarter: date) -> pd.Series:
    return fetch(
        db,
        "select * from kpi_candidate_nps where period_grain = 'quarter' and cut_type = ? "
        "and cut_value = ? and period_start = ?",
        [cut_type, cut_value, quarter],
    ).iloc[0]


def quarter_with_small_stage(db: Path, under: int) -> date:
    """The latest quarter with a stage-reached cut of 1 to `under` - 1 responses.

    The demo's outcome cuts are all large; its furthest-stage cuts are not."""
    found = fetch(
        db,
        "select max(period_start) as quarter from kpi_candidate_nps where period_grain = 'quarter'"
        " and cut_type = 'furthest_stage' and responses_n between 1 and ? - 1",
        [under],
    )["quarter"][0]
    assert not pd.isna(found), f"the demo has no stage cut under {under} responses"
    return pd.Timestamp(found).date()


def test_candidate_page_shows_nps_and_says_fewer_than_5_for_small_groups(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "candidate_experience")
    quarter = quarter_with_small_stage(demo_published, 5)
    at.selectbox(key="quarter").select(quarter).run()
    org = nps_row(demo_published, "all", "All", quarter)

    assert [t.value for t in at.title] == ["Candidate experience"]
    assert tile(at, "Candidate NPS").value == f"{org['nps']:+.0f}"
    assert tile(at, "Response rate").value == f"{round(org['response_rate'] * 100)}%"
    by_stage = trace(figures(at)["Candidate NPS by stage reached"], "Candidate NPS")
    suppressed = fetch(
        demo_published,
        "select cut_value from kpi_candidate_nps where period_grain = 'quarter' "
        "and cut_type = 'furthest_stage' and period_start = ? and is_suppressed "
        "and not is_complementary_suppressed order by cut_value",
        [quarter],
    )["cut_value"]
    assert len(suppressed) > 0
    texts = dict(zip(decode(by_stage["y"]), decode(by_stage["text"]), strict=True))
    for stage in suppressed:
        assert texts[stage.replace("_", " ").capitalize()] == "fewer than 5 responses"


def test_the_minimum_group_size_comes_from_the_snapshot(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("update fct_selection_rates set min_group_size = 7")
    at = open_page(run_app(monkeypatch, published_copy), "candidate_experience")
    at.selectbox(key="quarter").select(quarter_with_small_stage(published_copy, 7)).run()

    texts = decode(trace(figures(at)["Candidate NPS by stage reached"], "Candidate NPS")["text"])
    assert "fewer than 7 responses" in texts
    assert "fewer than 5 responses" not in texts


def test_candidate_nps_follows_the_department_filter(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "candidate_experience")
    at.selectbox(key="department").select("Sales").run()
    row = nps_row(demo_published, "department", "Sales", as_of_quarter(demo_published))

    shown = tile(at, "Candidate NPS").value
    assert shown == ("fewer than 5 responses" if row["is_suppressed"] else f"{row['nps']:+.0f}")
    # Outcome and stage are not cut by department in the snapshot: notes, not org numbers.
    assert "Candidate NPS by outcome" not in figures(at)
    assert any(n.value.startswith("**Candidate NPS by outcome**: not available") for n in at.info)


def test_candidate_page_without_survey_rows_shows_empty_states(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from kpi_candidate_nps")
    at = open_page(run_app(monkeypatch, published_copy), "candidate_experience")

    assert not figures(at)
    assert tile(at, "Candidate NPS").value == "—"
    assert any(
        n.value.startswith("**Candidate NPS by month**: no candidate survey") for n in at.info
    )


# --- Hiring managers -------------------------------------------------------------------------


def impact_rows(db: Path, quarter: date) -> pd.DataFrame:
    return fetch(
        db,
        "select i.*, d.display_name from fct_manager_hiring_impact as i"
        " join dim_users as d on d.user_id = i.hiring_manager_id"
        " where quarter_start = ? order by hires_n desc, display_name, hiring_manager_id",
        [quarter],
    )


def table_columns(figure: dict) -> list[list[str]]:
    return figure["data"][0]["cells"]["values"]


def test_impact_table_lists_every_manager_beside_the_organization(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "hiring_managers")
    quarter = as_of_quarter(demo_published)
    rows = impact_rows(demo_published, quarter)
    columns = table_columns(figures(at)["Manager hiring impact"])

    assert [t.value for t in at.title] == ["Hiring managers"]
    # Managers are shown by name (employees, as the ATS names them), never by id.
    assert columns[0] == ["<b>Organization</b>", *rows["display_name"]]
    assert not set(columns[0]) & set(rows["hiring_manager_id"])
    assert columns[1][1:] == [f"{n}" for n in rows["hires_n"]]
    org_days = rows["org_time_to_hire_median_days"][0]
    assert columns[2][0].startswith(f"<b>{shown_days(org_days)}")
    small = rows[rows["nps_is_suppressed"] & (rows["nps_responses_n"] < 5)]
    assert len(small) > 0, "the demo snapshot has no manager with too few responses"
    nps_cells = columns[5][1:]
    for index in small.index:
        assert nps_cells[index] == "fewer than 5 responses"


def test_impact_table_follows_the_ats_filter(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "hiring_managers")
    at.selectbox(key="ats").select("lever").run()
    managers = table_columns(figures(at)["Manager hiring impact"])[0][1:]
    lever = fetch(
        demo_published, "select display_name from dim_users where source_system = 'lever'"
    )

    assert managers and set(managers) <= set(lever["display_name"])


def test_one_manager_page_asks_for_a_manager_then_shows_their_quarter(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app(monkeypatch, demo_published), "manager")
    assert "Choose a hiring manager" in at.info[0].value
    assert not figures(at)

    manager = "greenhouse:400010"
    name = fetch(
        demo_published,
        "select display_name from dim_users where user_id = ?",
        [manager],
    )["display_name"][0]
    assert name in at.selectbox(key="manager").options  # the pick list shows names
    at.selectbox(key="manager").select(manager).run()
    row = (
        impact_rows(demo_published, as_of_quarter(demo_published))
        .set_index("hiring_manager_id")
        .loc[manager]
    )

    assert not at.exception
    assert at.caption[0].value.startswith(f"{name} · ")
    assert set(figures(at)) == {"Hiring manager by quarter", "Their openings"}
    assert tile(at, "Hires").value == str(row["hires_n"])
    share = round(row["talk_share_median"] * 100)
    assert any(
        c.startswith(f"Hiring manager spoke {share}% of the time") for c in at.caption.values
    )


def test_managers_page_without_impact_rows_says_so(
    monkeypatch: pytest.MonkeyPatch, published_copy: Path
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        con.execute("delete from fct_manager_hiring_impact")
    at = open_page(run_app(monkeypatch, published_copy), "hiring_managers")

    assert not figures(at)
    quarter = quarter_name(as_of_quarter(published_copy))
    assert (
        f"**Manager hiring impact**: no hiring manager had a hire or a practice event in {quarter}."
        in [n.value for n in at.info]
    )


# --- every chart also renders without Streamlit (the slide export's path) ------------------


def test_every_registered_chart_builds_from_a_plain_connection(demo_published: Path) -> None:
    """The spec's title is the figure's; a chart a filter cannot cut builds nothing."""
    from dashboards import chart_specs
    from dashboards.scope import Scope

    as_of = pd.Timestamp(fetch(demo_published, "select as_of_date from meta_as_of").iloc[0, 0])
    whole = Scope(ALL, as_of_quarter(demo_published), as_of=as_of.date())
    one_manager = Scope(ALL, whole.quarter, as_of=as_of.date(), hiring_manager="greenhouse:400010")
    built = set()
    with duckdb.connect(str(demo_published), read_only=True) as con:
        for scope in (whole, one_manager):
            for spec in chart_specs.REGISTRY.values():
                figure = spec.build(con, scope)
                if spec.unsupported(scope):
                    assert figure is None, spec.id
                elif figure is not None:
                    assert figure.layout.title.text.split("<br>")[0] == spec.title, spec.id
                    built.add(spec.id)
    # quality_by_department: a young quarter; quarantine_by_reason: the demo quarantines nothing.
    assert built == set(chart_specs.REGISTRY) - {"quality_by_department", "quarantine_by_reason"}
