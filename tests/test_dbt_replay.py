"""A replayed dbt build (orchestration/dbt_replay.py) builds what dbt builds.

The first build of a kind is dbt's and records the statements dbt sent; the
next, with the same project, vars, raw columns and built relations, sends them
again without dbt. The marts, the checks and the test history must come out as
dbt's; anything but success goes back to dbt, whose report the analyst gets.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import dbt_replay
from tests.conftest import DEMO_EXPORT, HANDMADE_AS_OF, HANDMADE_EXPORT, refresh
from tests.snapshot_compare import file_differences, records_the_runs

FLOAT_REL_TOL = 1e-12  # a mean summed in another order may move in its last bits


# -- the plan, on hand-made statements ------------------------------------------------


def test_each_connection_replays_whole_where_it_began_schemas_before_and_hooks_after():
    statements = [
        ["list_wh", "select 1", None, ["a"]],
        ["create_wh_marts", "create schema marts", None, ["Count"]],
        ["model.p.a", "begin", None, ["Success"]],
        ["model.p.b", "create view b as select 1", None, ["Count"]],
        ["model.p.a", "create table a as select 1", None, ["Count"]],
        ["model.p.a", "commit", None, ["Success"]],
        ["test.p.t", "select 0, false, false", None, dbt_replay.TEST_RESULT_COLUMNS],
        ["master", "commit", None, ["Success"]],
    ]
    order = [(name, [s[1] for s in group]) for name, group in dbt_replay.in_order(statements)]
    assert order == [
        ("list_wh", ["select 1"]),
        ("create_wh_marts", ["create schema marts"]),
        ("model.p.a", ["begin", "create table a as select 1", "commit"]),
        ("model.p.b", ["create view b as select 1"]),
        ("test.p.t", ["select 0, false, false"]),
        ("master", ["commit"]),
    ]


def test_a_test_passes_or_warns_as_dbt_says_and_a_failure_goes_back_to_dbt():
    con = duckdb.connect()
    model = [["model.p.m", "create table m as select * from range(3) t(x)", None, ["Count"]]]

    def check(name: str, failing: str) -> list:
        sql = (
            f"select count(*) as failures, count(*) != 0 as should_warn,"
            f" count(*) != 0 as should_error from m where {failing}"
        )
        return [f"test.p.{name}", sql, None, dbt_replay.TEST_RESULT_COLUMNS]

    configs = {
        "test.p.none": {"severity": "ERROR", "warn_if": "!= 0", "error_if": "!= 0"},
        "test.p.two": {"severity": "warn", "warn_if": "!= 0", "error_if": "!= 0"},
        "test.p.one": {"severity": "ERROR", "warn_if": "!= 0", "error_if": "!= 0"},
    }
    seen = []
    outcomes = dbt_replay.replay(
        con, [*model, check("none", "x > 5"), check("two", "x > 0")], configs, seen.append
    )
    assert [(o.unique_id, o.status, o.failures, o.message) for o in outcomes] == [
        ("model.p.m", "success", None, None),
        ("test.p.none", "pass", 0, None),
        ("test.p.two", "warn", 2, "Got 2 results, configured to warn if != 0"),
    ]
    assert seen == outcomes  # progress, node by node
    with pytest.raises(dbt_replay.ReplayStopped, match="test.p.one: Got 1 result, "):
        dbt_replay.replay(con, [check("one", "x = 1")], configs)


def test_a_failing_statement_stops_the_replay_and_rolls_its_connection_back():
    con = duckdb.connect()
    con.execute("create table kept as select 1 as x")
    statements = [
        ["model.p.m", "begin", None, ["Success"]],
        ["model.p.m", "drop table kept", None, ["Success"]],
        ["model.p.m", "select * from missing", None, ["x"]],
    ]
    with pytest.raises(dbt_replay.ReplayStopped, match="model.p.m: Catalog Error"):
        dbt_replay.replay(con, statements, {})
    assert con.execute("select x from kept").fetchall() == [(1,)]


def test_side_by_side_a_node_starts_once_its_parents_are_done_with_the_session_settings(
    tmp_path,
):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    passing = "select count(*) as failures, false as should_warn, false as should_error"
    statements = [
        ["model.p.a", "begin", None, ["Success"]],
        ["model.p.a", "create table a as select range as x from range(300000)", None, ["Count"]],
        ["model.p.a", "commit", None, ["Success"]],
        ["model.p.b", "create table b as select current_setting('TimeZone') as zone", None, ["x"]],
        ["model.p.c", "create table c as select count(*) as n from a", None, ["Count"]],
        ["test.p.t", f"{passing} from c where n <> 300000", None, dbt_replay.TEST_RESULT_COLUMNS],
    ]
    parents = {"model.p.c": ["model.p.a", "source.p.raw"], "test.p.t": ["model.p.c"]}
    configs = {"test.p.t": {"severity": "ERROR", "warn_if": "!= 0", "error_if": "!= 0"}}
    outcomes = dbt_replay.replay(
        con, statements, configs, parents=parents, threads=2,
        session=["set TimeZone = 'America/New_York'"],
    )  # fmt: skip
    done = [o.unique_id for o in outcomes]
    assert sorted(done) == ["model.p.a", "model.p.b", "model.p.c", "test.p.t"]
    assert done.index("model.p.a") < done.index("model.p.c") < done.index("test.p.t")
    assert outcomes[done.index("test.p.t")].status == "pass"  # c saw all of a
    assert con.execute("select zone from b").fetchall() == [("America/New_York",)]


def test_side_by_side_a_failure_starts_nothing_more_and_goes_back_to_dbt(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    statements = [
        ["model.p.a", "select * from missing", None, ["x"]],
        ["model.p.c", "create table c as select 1 as n", None, ["Count"]],
    ]
    with pytest.raises(dbt_replay.ReplayStopped, match="model.p.a: Catalog Error"):
        dbt_replay.replay(con, statements, {}, parents={"model.p.c": ["model.p.a"]}, threads=2)
    assert con.execute(
        "select count(*) from duckdb_tables() where table_name = 'c'"
    ).fetchone() == (0,)


def test_streamed_gives_each_outcome_as_its_node_finishes_then_what_stopped_it():
    con = duckdb.connect()
    statements = [
        ["model.p.a", "create table a as select 1 as n", None, ["Count"]],
        ["model.p.b", "select * from missing", None, ["x"]],
    ]
    given = []
    with pytest.raises(dbt_replay.ReplayStopped, match="model.p.b: Catalog Error"):
        for outcome in dbt_replay.streamed(con, statements, {}):
            given.append(outcome.unique_id)
    assert given == ["model.p.a"]


def test_streamed_closed_early_starts_no_more_nodes(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    statements = [[f"model.p.{t}", f"create table {t} as select 1 as n", None, ["Count"]]
                  for t in ("a", "b", "c", "d")]  # fmt: skip
    parents = {"model.p.b": ["model.p.a"], "model.p.c": ["model.p.b"], "model.p.d": ["model.p.c"]}
    stream = dbt_replay.streamed(con, statements, {}, parents=parents, threads=2)
    assert next(stream).unique_id == "model.p.a"
    stream.close()  # returns once the node running (b, at most) is done
    built = con.execute("select table_name from duckdb_tables() order by 1").fetchall()
    assert built in ([("a",)], [("a",), ("b",)])


def test_the_plan_key_follows_everything_the_statements_depend_on(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "m.sql").write_text("select 1")
    (project / "dbt_project.yml").write_text("name: p")
    manifest = {
        "sources": {"source.p.s": {"schema": "raw_x"}},
        "nodes": {"model.p.m": {"schema": "marts"}},
    }
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw_x; create table raw_x.t (id integer); create schema marts")

    def key(dbt_vars: str | None = None) -> str:
        return dbt_replay.plan_key(con, project, manifest, dbt_vars)

    first = key()
    assert key() == first
    assert key('{"as_of": "2026-03-31"}') != first
    con.execute("create table marts.m as select 1")  # built before: another plan
    built = key()
    assert built != first
    con.execute("alter table raw_x.t add column name varchar")
    assert key() != built
    columns = key()
    (project / "models" / "m.sql").write_text("select 2")
    assert key() != columns


def test_a_plan_is_kept_only_when_it_covers_every_node(tmp_path):
    recorded = tmp_path / "statements.json"
    recorded.write_text(json.dumps([["model.p.a", "select 1", None, ["1"]]]))
    plans = tmp_path / "plans"
    assert not dbt_replay.save_plan(recorded, plans, "k", {"model.p.a", "test.p.t"})
    assert dbt_replay.load_plan(plans, "k") is None
    assert dbt_replay.save_plan(recorded, plans, "k", {"model.p.a"})
    assert dbt_replay.load_plan(plans, "k") == [["model.p.a", "select 1", None, ["1"]]]
    for n in range(dbt_replay.PLANS_KEPT + 2):
        assert dbt_replay.save_plan(recorded, plans, f"k{n}", {"model.p.a"})
        os.utime(plans / f"k{n}.json", (n, 1_000_000 + n))
    assert len(list(plans.glob("*.json"))) == dbt_replay.PLANS_KEPT


# -- real refreshes ----------------------------------------------------------------------


@pytest.fixture
def own_plans(tmp_path, monkeypatch) -> Path:
    plans = tmp_path / "plans"
    monkeypatch.setenv(dbt_replay.PLANS_ENV, str(plans))
    return plans


def _log(warehouse: Path) -> str:
    return (warehouse / "logs" / "refresh.log").read_text()


def _test_results(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(
            "select * exclude (load_id) from ops.dbt_test_results order by all"
        ).fetchall()
    finally:
        con.close()


def _checks_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.strip().startswith("checks"))


def _warning_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.splitlines() if line.strip().startswith("warning:")]


@pytest.mark.slow
def test_a_replayed_build_describes_its_warnings_as_dbt_did(own_plans, tmp_path):
    """A warned test's summary line quotes its first stored row, read once the build is
    done: the hand-made export's three warnings (EXPECTED.md), built then replayed."""
    first = refresh(HANDMADE_EXPORT, tmp_path / "by_dbt", HANDMADE_AS_OF)
    second = refresh(HANDMADE_EXPORT, tmp_path / "replayed", HANDMADE_AS_OF)

    assert "dbt done (replayed" in _log(tmp_path / "replayed")
    assert (
        _warning_lines(second.stdout)
        == _warning_lines(first.stdout)
        == [
            "warning: staging/stg_greenhouse__offers:offers_for_applications_not_in_export"
            " (1 row: from_field=greenhouse:3999)",
            "warning: staging/stg_greenhouse__stage_stays:stage_stays_for_applications_not_in_export"
            " (1 row: from_field=greenhouse:3999)",
            "warning: marts/fct_applications:hired_without_hire_date"
            " (1 row: application_id=greenhouse:3014, source_system=greenhouse,"
            " job_id=greenhouse:105, …)",
        ]
    )


@pytest.mark.slow
def test_a_replayed_build_publishes_what_dbt_built(own_plans, tmp_path):
    by_dbt, replayed = tmp_path / "by_dbt", tmp_path / "replayed"
    first = refresh(DEMO_EXPORT, by_dbt)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "dbt done (replayed" not in _log(by_dbt)
    assert len(list(own_plans.glob("*.json"))) == 1  # dbt's statements, kept

    second = refresh(DEMO_EXPORT, replayed)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "dbt done (replayed the last build's SQL): 116 models built, 171 tests checked" in (
        _log(replayed)
    )
    assert _checks_line(second.stdout) == _checks_line(first.stdout)
    assert "205 passed, 0 failed, 0 warned" in _checks_line(second.stdout)
    assert _test_results(replayed) == _test_results(by_dbt)
    found = file_differences(
        by_dbt / "published.duckdb", replayed / "published.duckdb", FLOAT_REL_TOL, records_the_runs
    )
    assert not found, "marts that differ from dbt's build:\n" + "\n".join(found)


@pytest.mark.slow
def test_a_failing_check_is_left_to_dbt_and_its_report(own_plans, tmp_path):
    export = Path(shutil.copytree(HANDMADE_EXPORT, tmp_path / "export"))
    assert refresh(export, tmp_path / "first", HANDMADE_AS_OF).returncode == 0  # records

    stages = export / "greenhouse" / "application_stages.jsonl"
    lines = stages.read_text().splitlines()
    first = json.loads(lines[0])
    first["stage_name"] = "Vibe Check"
    stages.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    warehouse = tmp_path / "second"
    result = refresh(export, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 1, result.stdout
    assert "dbt replay stopped (test.hiring_analytics.assert_every_stage_is_mapped" in (
        _log(warehouse)
    )
    assert "dbt build failed" in result.stdout
    assert (
        "source greenhouse: stage 'Vibe Check' is not in dbt_project/seeds/stage_mapping.csv"
        in result.stdout
    )


@pytest.mark.slow
def test_a_replay_that_stops_late_leaves_the_rest_to_dbt_without_giving_anything_twice(
    own_plans, tmp_path
):
    """The replay gives each node's events as it finishes; when it stops near the end
    (here: a test's statement broken in the kept plan), dbt builds everything and only
    the events not given yet go to Dagster, which refuses an output given twice."""
    first = refresh(HANDMADE_EXPORT, tmp_path / "first", HANDMADE_AS_OF)  # dbt's, recorded
    assert first.returncode == 0, first.stdout + first.stderr
    (plan_file,) = own_plans.glob("*.json")
    plan = json.loads(plan_file.read_text())
    last_test = max(
        i for i, statement in enumerate(plan["statements"]) if statement[0].startswith("test.")
    )
    broken = plan["statements"][last_test][0]
    plan["statements"][last_test][1] = "select * from no_such_relation"
    plan_file.write_text(json.dumps(plan))

    warehouse = tmp_path / "second"
    result = refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF)

    assert result.returncode == 0, result.stdout + result.stderr
    log = _log(warehouse)
    assert f"dbt replay stopped ({broken}: Catalog Error" in log
    assert "dbt done: " in log  # dbt's own build finished the run
    assert _checks_line(result.stdout) == _checks_line(first.stdout)
    assert "0 failed" in _checks_line(result.stdout)
    # the warnings the replay held back went with it; dbt's build gave them, once
    assert _warning_lines(result.stdout) == _warning_lines(first.stdout)


def test_replay_can_be_turned_off(own_plans, tmp_path, monkeypatch):
    monkeypatch.setenv(dbt_replay.REPLAY_ENV, "0")
    assert not dbt_replay.enabled()
    monkeypatch.setenv(dbt_replay.REPLAY_ENV, "1")
    assert dbt_replay.enabled()
    monkeypatch.delenv(dbt_replay.PLANS_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert dbt_replay.plans_dir() == tmp_path / "cache" / "hiring-analytics" / "dbt-replay"
