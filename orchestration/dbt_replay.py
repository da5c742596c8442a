"""Replay a DuckDB dbt build: the SQL dbt sent, sent again without dbt's runner.

Most of a small build is dbt's own work, not DuckDB's: at every build dbt renders
each node's SQL and materialization with Jinja (demo: dbt 9.7 s, the same SQL
run straight 1.3 s). That SQL depends only on the project, its vars, the raw
layer's columns, which of dbt's relations exist already and dbt's version: the
data changes, the statements do not. So a complete, successful dbt build on
DuckDB records every statement it sends, under the node that sent it
(`hiring-dbt` with `RECORD_ENV` set: `recording`), and the next builds with the
same inputs (`plan_key`) send those statements again (`replay`), each node's
once the nodes it depends on are done, on two connections as dbt used threads.
Each node's outcome becomes the event dbt's log line would have become
(dagster-dbt's own translation), given as the node finishes (`streamed`), and
the run's run_results.json the test history reads.

dbt stays the builder of record: it builds whenever any of those change, on
Spark, for a subset of the assets, and whenever a replay meets anything but
success. A statement that fails, or a test that fails with error severity, ends
the replay; dbt then builds everything as it always did, with its own failure
report (the events of nodes the replay finished are not given twice): a replay
never decides a failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

RECORD_ENV = "HIRING_DBT_RECORD"  # the file a recording build writes its statements to
REPLAY_ENV = "HIRING_DBT_REPLAY"  # 0: dbt builds every time, and records nothing
PLANS_ENV = "HIRING_DBT_PLANS"  # where plans are kept (default: the user's cache folder)
PLAN_VERSION = 1  # bump when what a plan holds changes
PLANS_KEPT = 8  # a new and a built warehouse's, for a few as-of dates; older ones go
DBT_INPUTS = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")
NODE_PREFIXES = ("model.", "seed.", "test.")
RESULT_EVENT = {"model": "LogModelResult", "seed": "LogSeedResult", "test": "LogTestResult"}
TEST_RESULT_COLUMNS = ["failures", "should_warn", "should_error"]  # a test's main query


# --- in the dbt process -----------------------------------------------------------


@contextlib.contextmanager
def recording(path: Path) -> Iterator[None]:
    """In `hiring-dbt`: note each statement dbt sends DuckDB, with the name of the
    connection that sent it (a node's unique id while the node runs), and write
    them to `path` as dbt exits."""
    from dbt.adapters.sql.connections import SQLConnectionManager

    statements: list[list[Any]] = []
    lock = threading.Lock()
    add_query = SQLConnectionManager.add_query

    def recorded(self, sql, auto_begin=True, bindings=None, *args, **kwargs):
        connection, cursor = add_query(self, sql, auto_begin, bindings, *args, **kwargs)
        with lock:  # dbt's threads run nodes side by side
            columns = [c[0] for c in cursor.description or ()]
            statements.append([connection.name, sql, bindings, columns])
        return connection, cursor

    SQLConnectionManager.add_query = recorded
    try:
        yield
    finally:
        SQLConnectionManager.add_query = add_query
        with contextlib.suppress(TypeError, ValueError, OSError):  # no record: dbt builds next time
            partial = path.with_name(path.name + ".new")
            partial.write_text(json.dumps(statements))
            os.replace(partial, path)


# --- in the refresh ---------------------------------------------------------------


@contextlib.contextmanager
def recorded_into(target: Path | None) -> Iterator[Path | None]:
    """Ask the dbt started inside to record its statements into `target`; the file
    they will be in (None: no recording asked)."""
    if target is None:
        yield None
        return
    path = target / "statements.json"
    os.environ[RECORD_ENV] = str(path)
    try:
        yield path
    finally:
        os.environ.pop(RECORD_ENV, None)


@dataclass(frozen=True)
class Outcome:
    """One node of a replayed build: what dbt's result line would have said."""

    unique_id: str
    status: str  # success (model, seed), pass or warn (test)
    started_at: str
    finished_at: str
    seconds: float
    failures: int | None = None
    message: str | None = None


def enabled() -> bool:
    return os.environ.get(REPLAY_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


def plans_dir() -> Path:
    """A cache of this machine, outside the project (which no refresh grows): any
    warehouse's build may replay any other's plan."""
    if configured := os.environ.get(PLANS_ENV, "").strip():
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(cache) / "hiring-analytics" / "dbt-replay"


def plan_key(con, project_dir: Path, manifest: Mapping[str, Any], dbt_vars: str | None) -> str:
    """What a build's statements depend on: the dbt project's files, dbt's and the
    adapter's versions, the build's vars, the warehouse's name (in every relation's
    name), the columns of the raw tables the sources read (the canonical contract
    test lists them) and which of the relations dbt builds exist already (a seed
    that exists is emptied, not created): a new warehouse and one built before have
    a plan each."""
    digest = hashlib.sha256(f"v{PLAN_VERSION}|{dbt_vars or ''}".encode())
    for name in ("dbt-core", "dbt-duckdb", "duckdb"):
        digest.update(f"|{name}={metadata.version(name)}".encode())
    for name in DBT_INPUTS:
        root = project_dir / name
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        files = files or ([root] if root.is_file() else [])
        for path in files:
            digest.update(f"|{path.relative_to(project_dir).as_posix()}|".encode())
            digest.update(path.read_bytes())
    database = con.execute("select current_database()").fetchone()[0]
    sources = {source["schema"] for source in manifest["sources"].values()}
    columns = _catalog(con, "columns", "column_name, data_type", sources)
    relations = _catalog(
        con, "tables", "table_type", {n["schema"] for n in manifest["nodes"].values()}
    )
    digest.update(f"|{database}|{columns!r}|{relations!r}".encode())
    return digest.hexdigest()


def _catalog(con, view: str, columns: str, schemas: set[str]) -> list[tuple]:
    """Rows of one information_schema view over `schemas`, in a stable order."""
    return con.execute(
        f"select table_schema, table_name, {columns} from information_schema.{view}"
        " where table_schema in (select unnest(?)) order by all",
        [sorted(schemas)],
    ).fetchall()


def save_plan(statements_file: Path, plans: Path, key: str, nodes: set[str]) -> bool:
    """Keep a successful build's statements as the plan for `key`, when they cover
    exactly the build's nodes; False when they do not (nothing kept)."""
    try:
        statements = json.loads(statements_file.read_text())
    except (OSError, ValueError):
        return False
    if {name for name, *_ in statements if _is_node(name)} != nodes:
        return False
    plans.mkdir(parents=True, exist_ok=True)
    partial = plans / f".{key}.json.new"
    partial.write_text(json.dumps({"key": key, "statements": statements}))
    os.replace(partial, plans / f"{key}.json")
    for old in sorted(plans.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-PLANS_KEPT]:
        old.unlink(missing_ok=True)
    return True


def load_plan(plans: Path, key: str) -> list[list[Any]] | None:
    try:
        plan = json.loads((plans / f"{key}.json").read_text())
    except (OSError, ValueError):
        return None
    return plan["statements"] if plan.get("key") == key else None


def in_order(statements: list[list[Any]]) -> list[tuple[str, list[list[Any]]]]:
    """The statements as one sequence of connections, each connection's together where
    its first statement was: dbt ran nodes side by side, each on a connection of its
    own (its own DuckDB transaction), and a node began only once every node it
    depends on had finished, so the order in which nodes began is an order dbt could
    have run them in one at a time. What no node sent (schemas, dbt's catalog reads,
    hooks) stays before or after the nodes, where dbt sent it."""
    node_at = [i for i, statement in enumerate(statements) if _is_node(statement[0])]
    first, last = (node_at[0], node_at[-1]) if node_at else (len(statements), len(statements))
    groups: dict[tuple[str, int], list[list[Any]]] = {}
    for i, statement in enumerate(statements):
        name = statement[0]
        phase = 1 if _is_node(name) else 0 if i < first else 2 if i > last else 1
        groups.setdefault((name, phase), []).append(statement)
    return [(name, group) for (name, _), group in groups.items()]


def _is_node(name: str) -> bool:
    return name.startswith(NODE_PREFIXES)


class ReplayStopped(Exception):
    """The replay met something other than success: dbt builds instead."""


def replay(
    con,
    statements: list[list[Any]],
    tests: Mapping[str, Mapping[str, Any]],
    on_node=None,
    *,
    parents: Mapping[str, Iterable[str]] | None = None,
    threads: int = 1,
    session: Sequence[str] = (),
) -> list[Outcome]:
    """Send a plan's statements on `con`; each node's outcome. Raises `ReplayStopped`
    on a failing statement or a test that fails with error severity.

    `tests` holds each test's config from the manifest (severity, warn_if, error_if).
    With `parents` (each node's, from the manifest), `threads` connections send the
    nodes side by side, each once its parents are done, as dbt's threads did; each
    new connection first runs `session` (DuckDB keeps settings such as the time
    zone per connection). `on_node` sees each outcome, in this thread.
    """
    groups = in_order(statements)
    at = [i for i, (name, _) in enumerate(groups) if _is_node(name)]
    first, last = (at[0], at[-1] + 1) if at else (len(groups), len(groups))
    for name, group in groups[:first]:
        _send(con, name, group)
    middle = groups[first:last]
    if parents is None or threads < 2 or len(at) != len(middle):
        outcomes = _in_turn(con, middle, tests, on_node)
    else:
        outcomes = _side_by_side(con, middle, tests, on_node, parents, threads, session)
    for name, group in groups[last:]:
        _send(con, name, group)
    return outcomes


def streamed(
    con, statements: list[list[Any]], tests: Mapping[str, Mapping[str, Any]], **options
) -> Generator[Outcome, None, None]:
    """`replay` on a thread of its own: each node's outcome as it finishes, so that
    the caller handles it (Dagster stores its events) while the next nodes run. What
    `replay` raised comes once the outcomes before it are given. Closed early, it
    starts no more nodes and returns once those running are done."""
    finished: queue.Queue = queue.Queue()
    abandoned = threading.Event()
    ended = object()
    raised: list[BaseException] = []

    def on_node(outcome: Outcome) -> None:
        if abandoned.is_set():
            raise ReplayStopped("no longer wanted")
        finished.put(outcome)

    def run() -> None:
        try:
            replay(con, statements, tests, on_node, **options)
        except BaseException as error:  # given to the caller's thread
            raised.append(error)
        finally:
            finished.put(ended)

    thread = threading.Thread(target=run, name="dbt-replay", daemon=True)
    thread.start()
    try:
        while (outcome := finished.get()) is not ended:
            yield outcome
    finally:
        abandoned.set()
        thread.join()
    if raised:
        raise raised[0]


def _in_turn(con, groups, tests, on_node) -> list[Outcome]:
    outcomes = []
    for name, group in groups:
        outcome = _node(con, name, group, tests)
        if outcome is not None:
            outcomes.append(outcome)
            if on_node is not None:
                on_node(outcome)
    return outcomes


def _side_by_side(con, groups, tests, on_node, parents, threads, session) -> list[Outcome]:
    """Each node on one of `threads` connections once its parents are done, in the
    plan's order among those ready. The first failure stops the starting of nodes;
    those running finish, then it is raised."""
    plan = dict(groups)
    waiting = {name: {p for p in parents.get(name, ()) if p in plan} for name in plan}
    local, opened = threading.local(), []
    lock = threading.Lock()

    def send(name: str) -> Outcome | None:
        if not hasattr(local, "con"):
            local.con = con.cursor()
            with lock:
                opened.append(local.con)
            for sql in session:
                local.con.execute(sql)
        return _node(local.con, name, plan[name], tests)

    outcomes, done, pending = [], set(), list(plan)
    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="dbt-replay") as pool:
            running: dict[Future, str] = {}
            while pending or running:
                ready = [name for name in pending if waiting[name] <= done]
                for name in ready[: threads - len(running)]:
                    pending.remove(name)
                    running[pool.submit(send, name)] = name
                if not running:  # a parent that is not in the plan's order: never ready
                    raise ReplayStopped(f"{pending[0]}: its parents never finished")
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done.add(running.pop(future))
                    outcome = future.result()  # ReplayStopped: the pool waits for the rest
                    if outcome is not None:
                        outcomes.append(outcome)
                        if on_node is not None:
                            on_node(outcome)
    finally:
        for cursor in opened:
            cursor.close()
    return outcomes


def _send(con, name: str, group: list[list[Any]]):
    """One connection's statements; the result row of a test's main query, if any."""
    row = None
    try:
        for _, sql, bindings, columns in group:
            cursor = con.execute(sql, bindings) if bindings else con.execute(sql)
            if columns == TEST_RESULT_COLUMNS:
                row = cursor.fetchone()
    except Exception as error:
        _end_transaction(con)
        raise ReplayStopped(f"{name}: {error}") from error
    _end_transaction(con)  # dbt rolls back what a connection left open as it releases it
    return row


def _node(con, name: str, group: list[list[Any]], tests) -> Outcome | None:
    started, clock = _now(), time.perf_counter()
    row = _send(con, name, group)
    if not _is_node(name):
        return None
    outcome = Outcome(name, "success", started, _now(), time.perf_counter() - clock)
    if name.startswith("test."):
        outcome = _test_outcome(outcome, row, tests[name])
    return outcome


def _end_transaction(con) -> None:
    import duckdb

    with contextlib.suppress(duckdb.TransactionException):
        con.execute("rollback")


def _test_outcome(outcome: Outcome, row, config: Mapping[str, Any]) -> Outcome:
    """dbt's reading of a test's result row (dbt/task/test.py: build_test_run_result)."""
    if row is None or len(row) < 3:
        raise ReplayStopped(f"{outcome.unique_id}: no result row")
    failures, should_warn, should_error = int(row[0]), bool(row[1]), bool(row[2])
    got = f"Got {failures} result{'' if failures == 1 else 's'}"
    if config.get("severity", "error").upper() == "ERROR" and should_error:
        raise ReplayStopped(f"{outcome.unique_id}: {got}, configured to fail")
    if should_warn:
        message = f"{got}, configured to warn if {config.get('warn_if')}"
        return replace(outcome, status="warn", failures=failures, message=message)
    return replace(outcome, status="pass", failures=0)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def raw_event(outcome: Outcome, invocation_id: str) -> dict[str, Any]:
    """The dbt log line a node's result would have been (what dagster-dbt reads)."""
    kind = outcome.unique_id.split(".", 1)[0]
    return {
        "info": {
            "name": RESULT_EVENT[kind],
            "invocation_id": invocation_id,
            "level": "info",
            "msg": f"{outcome.status.upper()} {outcome.unique_id} (replayed)",
        },
        "data": {
            "node_info": {
                "unique_id": outcome.unique_id,
                "node_status": outcome.status,
                "node_started_at": outcome.started_at,
                "node_finished_at": outcome.finished_at,
            },
            "status": outcome.status,
            "execution_time": outcome.seconds,
            **({} if outcome.failures is None else {"num_failures": outcome.failures}),
        },
    }


def run_results(outcomes: list[Outcome]) -> dict[str, Any]:
    """The run_results.json of a replayed build, with the fields this project reads."""
    return {
        "metadata": {"replayed": True},
        "results": [
            {
                "unique_id": o.unique_id,
                "status": o.status,
                "execution_time": o.seconds,
                "failures": o.failures,
                "message": o.message,
            }
            for o in outcomes
        ],
    }
