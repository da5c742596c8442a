"""The Practices pages (License to Hire program, Interviews), run headless by AppTest.

Expected numbers are written here as SQL over the published demo snapshot, independently
of dashboards.queries: a page must show what the marts hold, scoped to the filters.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_dashboard_app import (
    ALL,
    add_months,
    as_of_quarter,
    decode,
    fetch,
    figures,
    open_page,
    published_copy,  # noqa: F401  (a fixture)
    quarter_name,
    run_app,
    run_app_with,
    table_columns,
    tile,
    trace,
)

LICENSE_CHARTS = {
    "License to Hire coverage by month",
    "Open roles whose manager was not licensed at open",
    "Intake meetings on time by month",
    "Hiring retrospectives by month",
    "Do the practices pay off here?",
}
INTERVIEW_CHARTS = {
    "Scorecards on time by interviewing team",
    "Hiring managers' own scorecards on time",
    "Late scorecards now",
    "How much hiring managers talk in interviews",
    "Interviews rescheduled by ATS",
}


def notes(at: AppTest) -> list[str]:
    return [n.value for n in at.info]


def monthly_rates(db: Path, table: str, rate: str, department: str) -> list[float]:
    """A practice KPI's monthly rates (%) over the four quarters ending with the as-of one."""
    end = add_months(as_of_quarter(db), 3)
    frame = fetch(
        db,
        f"select {rate} * 100 as rate from {table} where period_grain = 'month' "
        "and department = ? and source_system = 'All ATSs' and period_start >= ? "
        "and period_start < ? order by period_start",
        [department, add_months(end, -12), end],
    )
    return frame["rate"].tolist()


@pytest.fixture
def license_page(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    return open_page(run_app(monkeypatch, demo_published), "license")


@pytest.fixture
def interviews_page(monkeypatch: pytest.MonkeyPatch, demo_published: Path) -> AppTest:
    return open_page(run_app(monkeypatch, demo_published), "interviews")


# --- License to Hire program -------------------------------------------------------------------


def test_license_page_renders_its_tiles_and_charts(license_page: AppTest) -> None:
    assert [t.value for t in license_page.title] == ["License to Hire program"]
    assert [m.label for m in license_page.metric] == [
        "License to Hire coverage",
        "Intake on time",
        "Retrospectives done",
        "Managers licensed now",
    ]
    assert set(figures(license_page)) == LICENSE_CHARTS


def test_license_tiles_show_the_quarters_kpis(license_page: AppTest, demo_published: Path) -> None:
    quarter = as_of_quarter(demo_published)
    row = fetch(
        demo_published,
        "select c.license_coverage, i.intake_on_time_rate, r.retrospective_rate "
        "from kpi_license_coverage c "
        "join kpi_intake_timeliness i using (period_grain, period_start, department, source_system) "
        "join kpi_retrospectives r using (period_grain, period_start, department, source_system) "
        "where period_grain = 'quarter' and department = ? and source_system = 'All ATSs' "
        "and period_start = ?",
        [ALL, quarter],
    ).iloc[0]
    assert tile(license_page, "License to Hire coverage").value == f"{row.license_coverage:.0%}"
    assert tile(license_page, "Intake on time").value == f"{row.intake_on_time_rate:.0%}"
    assert tile(license_page, "Retrospectives done").value == f"{row.retrospective_rate:.0%}"
    now = fetch(
        demo_published,
        "select hiring_managers_licensed, hiring_managers_with_open_job, license_coverage "
        "from kpi_license_coverage_now where department = ? and source_system = 'All ATSs'",
        [ALL],
    ).iloc[0]
    assert tile(license_page, "Managers licensed now").value == f"{now.license_coverage:.0%}"
    assert (
        f"{int(now.hiring_managers_licensed)} of {int(now.hiring_managers_with_open_job)} hiring"
        " managers"
        " with an open job, on the as-of date" in license_page.caption.values
    )


def test_license_trends_plot_the_monthly_kpi_rows(
    license_page: AppTest, demo_published: Path
) -> None:
    shown = figures(license_page)
    for title, table, rate, name in (
        (
            "License to Hire coverage by month",
            "kpi_license_coverage",
            "license_coverage",
            "Licensed at open",
        ),
        (
            "Intake meetings on time by month",
            "kpi_intake_timeliness",
            "intake_on_time_rate",
            "Intake on time",
        ),
        (
            "Hiring retrospectives by month",
            "kpi_retrospectives",
            "retrospective_rate",
            "Retrospective done",
        ),
    ):
        plotted = decode(trace(shown[title], name)["y"])
        assert plotted == pytest.approx(monthly_rates(demo_published, table, rate, ALL)), title


def open_unlicensed_roles(db: Path) -> pd.DataFrame:
    return fetch(
        db,
        """
        select o.job_name, j.department, u.display_name as hiring_manager, j.opened_date,
            j.license_completed_at, j.license_expires_on
        from fct_jobs_practices j
        left join dim_users u on u.user_id = j.hiring_manager_id
        join (
            select job_id, min(job_name) as job_name from fct_openings
            where is_open and not is_evergreen and not is_template group by job_id
        ) o using (job_id)
        where not j.licensed_at_open
        order by j.opened_date, o.job_name
        """,
    )


def test_unlicensed_roles_list_every_open_role_with_its_license_status(
    license_page: AppTest, demo_published: Path
) -> None:
    expected = open_unlicensed_roles(demo_published)
    assert len(expected) > 0, "the demo has no open role of an unlicensed manager"
    columns = table_columns(
        figures(license_page)["Open roles whose manager was not licensed at open"]
    )

    assert columns[0] == expected["job_name"].tolist()
    assert columns[3] == expected["hiring_manager"].tolist()  # by name, never by id
    statuses = [
        "Never licensed before opening"
        if pd.isna(row.license_completed_at)
        else f"Expired on {pd.Timestamp(row.license_expires_on):%-d %b %Y}"
        for row in expected.itertuples()
    ]
    assert columns[5] == statuses
    assert any(s.startswith("Expired on") for s in statuses), "no expired license in the demo"


def test_program_effect_shows_each_rows_sentence_and_verdict_with_the_caveat(
    license_page: AppTest, demo_published: Path
) -> None:
    rows = fetch(demo_published, "select sentence, verdict from fct_program_effect")
    columns = table_columns(figures(license_page)["Do the practices pay off here?"])

    assert columns[2] == rows["sentence"].tolist()
    assert columns[3] == [v.capitalize() for v in rows["verdict"]]
    assert any(n.startswith("**A comparison, not proof.**") for n in notes(license_page))


def test_not_enough_data_is_shown_where_the_mart_says_so(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    sentence = (
        "Not enough data to compare time to fill: 4 openings whose manager was licensed at open"
        " vs 9 without (at least 10 needed in each)."
    )
    with duckdb.connect(str(published_copy)) as con:
        con.execute(
            "update fct_program_effect set verdict = 'not enough data', sentence = ?, "
            "effect = null, ci_low = null, ci_high = null "
            "where practice = 'licensed_at_open' and outcome = 'time_to_fill'",
            [sentence],
        )
    at = open_page(run_app(monkeypatch, published_copy), "license")
    columns = table_columns(figures(at)["Do the practices pay off here?"])

    row = columns[2].index(sentence)
    assert columns[3][row] == "Not enough data"


def test_the_department_filter_scopes_the_trends_and_the_list_but_not_the_effect(
    license_page: AppTest, demo_published: Path
) -> None:
    license_page.selectbox(key="department").select("Engineering").run()
    shown = figures(license_page)

    plotted = decode(trace(shown["License to Hire coverage by month"], "Licensed at open")["y"])
    assert plotted == pytest.approx(
        monthly_rates(demo_published, "kpi_license_coverage", "license_coverage", "Engineering")
    )
    assert plotted != pytest.approx(
        monthly_rates(demo_published, "kpi_license_coverage", "license_coverage", ALL)
    )
    expected = open_unlicensed_roles(demo_published)
    expected = expected[expected["department"] == "Engineering"]
    roles = shown.get("Open roles whose manager was not licensed at open")
    assert (table_columns(roles)[0] if roles else []) == expected["job_name"].tolist()
    assert "Do the practices pay off here?" not in shown
    assert (
        "**Do the practices pay off here?**: not available for one department: the snapshot"
        " holds it for the whole organization only." in notes(license_page)
    )


def test_license_page_without_rows_shows_empty_states(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        for table in (
            "kpi_license_coverage",
            "kpi_license_coverage_now",
            "kpi_intake_timeliness",
            "kpi_retrospectives",
            "fct_jobs_practices",
            "fct_program_effect",
        ):
            con.execute(f"delete from {table}")
    at = open_page(run_app(monkeypatch, published_copy), "license")

    assert not figures(at)
    assert tile(at, "License to Hire coverage").value == "—"
    assert tile(at, "Managers licensed now").value == "—"
    shown = notes(at)
    assert any(
        n.startswith("**License to Hire coverage by month**: no job was opened") for n in shown
    )
    assert (
        "**Open roles whose manager was not licensed at open**: every role open across all"
        " departments on the as-of date had a licensed hiring manager when it opened." in shown
    )
    assert (
        "**Do the practices pay off here?**: the snapshot holds no comparison yet"
        " (no filled opening)." in shown
    )


# --- Interviews ----------------------------------------------------------------------------------


def test_interviews_page_renders_its_tiles_and_charts(interviews_page: AppTest) -> None:
    assert [t.value for t in interviews_page.title] == ["Interviews"]
    assert [m.label for m in interviews_page.metric] == [
        "Scorecards on time",
        "Late scorecards now",
        "Hiring manager talk share (median)",
    ]
    assert set(figures(interviews_page)) == INTERVIEW_CHARTS


def team_rates(db: Path, quarter: date, source: str = "All ATSs") -> pd.DataFrame:
    return fetch(
        db,
        "select department, on_time_rate, scorecards_expected - scorecards_pending as decided "
        "from kpi_scorecard_timeliness where period_grain = 'quarter' and period_start = ? "
        "and source_system = ? and scorecards_expected > 0 "
        "order by department <> 'All departments', on_time_rate, department",
        [quarter, source],
    )


def test_scorecards_by_team_and_the_tiles_show_the_quarters_timeliness(
    interviews_page: AppTest, demo_published: Path
) -> None:
    quarter = as_of_quarter(demo_published)
    expected = team_rates(demo_published, quarter)
    bars = figures(interviews_page)["Scorecards on time by interviewing team"]["data"][0]

    assert decode(bars["x"]) == pytest.approx((expected["on_time_rate"] * 100).tolist())
    assert decode(bars["y"]) == [
        f"{d} ({n})" for d, n in zip(expected["department"], expected["decided"], strict=True)
    ]
    org = expected.iloc[0]
    assert tile(interviews_page, "Scorecards on time").value == f"{org.on_time_rate:.0%}"
    late = fetch(
        demo_published, "select count(*) as n from fct_scorecards where is_missing_and_late"
    )
    assert tile(interviews_page, "Late scorecards now").value == str(late["n"][0])
    talk = fetch(
        demo_published,
        "select median_hiring_manager_talk_share as share from kpi_talk_share "
        "where period_grain = 'quarter' and department = ? and source_system = 'All ATSs' "
        "and period_start = ?",
        [ALL, quarter],
    )["share"][0]
    assert tile(interviews_page, "Hiring manager talk share (median)").value == f"{talk:.0%}"


def test_managers_own_scorecards_are_read_from_the_impact_mart(
    interviews_page: AppTest, demo_published: Path
) -> None:
    expected = fetch(
        demo_published,
        "select u.display_name, scorecard_on_time_rate, scorecards_decided_n "
        "from fct_manager_hiring_impact i join dim_users u on u.user_id = i.hiring_manager_id "
        "where quarter_start = ? and scorecards_decided_n > 0 "
        "order by scorecard_on_time_rate, hiring_manager_id",
        [as_of_quarter(demo_published)],
    )
    bars = figures(interviews_page)["Hiring managers' own scorecards on time"]["data"][0]

    assert decode(bars["x"]) == pytest.approx((expected["scorecard_on_time_rate"] * 100).tolist())
    assert decode(bars["y"]) == [
        f"{m} ({n})"
        for m, n in zip(expected["display_name"], expected["scorecards_decided_n"], strict=True)
    ]


def test_late_scorecards_name_interviewers_and_jobs_but_no_candidate(
    interviews_page: AppTest, demo_published: Path
) -> None:
    late = fetch(
        demo_published,
        "select coalesce(u.display_name, s.user_id) as interviewer, s.application_id,"
        " s.interview_end_date from fct_scorecards s left join dim_users u using (user_id)"
        " where s.is_missing_and_late order by s.interview_end_date desc, s.user_id",
    )
    columns = table_columns(figures(interviews_page)["Late scorecards now"])
    shown = len(late) if len(late) <= 20 else 20

    # Interviewers are employees, shown by name as the ATS names them.
    assert [c.removesuffix(" (hiring manager)") for c in columns[0][:shown]] == late[
        "interviewer"
    ].head(shown).tolist()
    if len(late) > 20:
        assert columns[0][-1] == f"… and {len(late) - 20} more"
    cells = " ".join(str(cell) for column in columns for cell in column)
    assert not any(application in cells for application in late["application_id"])


def test_talk_share_histogram_holds_every_interview_of_the_quarter(
    interviews_page: AppTest, demo_published: Path
) -> None:
    quarter = as_of_quarter(demo_published)
    shares = fetch(
        demo_published,
        "select hiring_manager_talk_share * 100 as share, is_talk_share_flagged as flagged "
        "from fct_interviews where has_talk_data and hiring_manager_talk_share is not null "
        "and starts_at >= ? and starts_at < ?",
        [quarter, add_months(quarter, 3)],
    )
    figure = figures(interviews_page)["How much hiring managers talk in interviews"]
    for name, flagged in (("Within the limit", False), ("Above the limit", True)):
        plotted = sorted(decode(trace(figure, name)["x"]))
        assert plotted == pytest.approx(sorted(shares.loc[shares["flagged"] == flagged, "share"]))
    top = shares["share"].max()
    assert any(
        m.value.endswith(f"the most: Hiring manager spoke {top:.0f}% of the time.**")
        for m in interviews_page.markdown
    )


def test_reschedules_read_not_recorded_for_atss_that_do_not_record_them(
    interviews_page: AppTest, demo_published: Path
) -> None:
    rows = fetch(
        demo_published,
        "select source_system, interviews_scheduled, reschedules_recorded from kpi_reschedules "
        "where period_grain = 'quarter' and department = ? and period_start = ? "
        "and source_system <> 'All ATSs' order by source_system",
        [ALL, as_of_quarter(demo_published)],
    )
    assert not rows["reschedules_recorded"].any()  # no current ATS export records them
    bars = figures(interviews_page)["Interviews rescheduled by ATS"]["data"][0]
    assert decode(bars["text"]) == [
        f"not recorded ({n} interviews scheduled)" for n in rows["interviews_scheduled"]
    ]


def test_one_hiring_manager_scopes_the_row_charts_and_says_why_the_kpis_cannot(
    interviews_page: AppTest, demo_published: Path
) -> None:
    manager = "greenhouse:400018"
    interviews_page.selectbox(key="manager").select(manager).run()
    shown = figures(interviews_page)

    late = fetch(
        demo_published,
        "select count(*) as n from fct_scorecards where is_missing_and_late and hiring_manager_id = ?",
        [manager],
    )["n"][0]
    assert tile(interviews_page, "Late scorecards now").value == str(late)
    assert tile(interviews_page, "Scorecards on time").value == "—"
    assert "Scorecards on time by interviewing team" not in shown
    assert any(
        n.startswith(
            "**Scorecards on time by interviewing team**: not available for one hiring manager"
        )
        for n in notes(interviews_page)
    )
    managers = decode(shown["Hiring managers' own scorecards on time"]["data"][0]["y"])
    name = fetch(demo_published, "select display_name from dim_users where user_id = ?", [manager])
    assert all(m.startswith(f"{name['display_name'][0]} (") for m in managers)


def test_a_shared_link_opens_the_interviews_page_for_one_ats(
    monkeypatch: pytest.MonkeyPatch, demo_published: Path
) -> None:
    at = open_page(run_app_with(monkeypatch, demo_published, ats="greenhouse"), "interviews")
    expected = team_rates(demo_published, as_of_quarter(demo_published), "greenhouse")
    bars = figures(at)["Scorecards on time by interviewing team"]["data"][0]

    assert at.selectbox(key="ats").value == "greenhouse"
    assert decode(bars["x"]) == pytest.approx((expected["on_time_rate"] * 100).tolist())
    assert decode(bars["x"]) != pytest.approx(
        (team_rates(demo_published, as_of_quarter(demo_published))["on_time_rate"] * 100).tolist()
    )


def test_interviews_page_without_rows_shows_empty_states(
    monkeypatch: pytest.MonkeyPatch,
    published_copy: Path,  # noqa: F811
) -> None:
    with duckdb.connect(str(published_copy)) as con:
        for table in (
            "kpi_scorecard_timeliness",
            "kpi_talk_share",
            "kpi_reschedules",
            "fct_scorecards",
            "fct_interviews",
            "fct_manager_hiring_impact",
        ):
            con.execute(f"delete from {table}")
    at = open_page(run_app(monkeypatch, published_copy), "interviews")
    quarter = quarter_name(as_of_quarter(published_copy))

    assert not figures(at)
    assert tile(at, "Scorecards on time").value == "—"
    assert tile(at, "Late scorecards now").value == "0"
    shown = notes(at)
    assert (
        f"**Scorecards on time by interviewing team**: no interview ended across all departments"
        f" in {quarter}." in shown
    )
    assert (
        "**Late scorecards now**: no scorecard is missing past the SLA across all departments"
        " on the as-of date." in shown
    )
    assert any(
        n.startswith("**How much hiring managers talk in interviews**: no interview") for n in shown
    )
    assert any(
        n.startswith("**Interviews rescheduled by ATS**: no interview was scheduled") for n in shown
    )
