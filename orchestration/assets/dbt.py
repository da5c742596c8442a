"""The dbt build as Dagster assets; dbt tests surface as (blocking) asset checks.

`dbt build` runs seeds, models and data tests in dependency order and stops
the models below a failing test; when anything failed, the step fails with the
failing tests and their first rows, so publish never runs. Unit tests check the
SQL, not the data: they run in the test suite (tests/test_dbt_unit_tests.py),
not in every refresh, where they took a fifth of dbt's time.

dbt's per-run output (compiled SQL, run_results.json, its log: ~13 MB a run)
goes to `WAREHOUSE/.dbt/target/<run>` and is removed once the failure report
has read it and the test results are in `ops.dbt_test_results` (names, statuses
and counts, for the published snapshot); a folder left by a killed run goes at
the start of the next. Only dbt's parse of the project is kept, in
`WAREHOUSE/.dbt`, for the warehouse's next build.
"""

import contextlib
import json
import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    Failure,
    MetadataValue,
    Output,
)
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration import dbt_replay
from orchestration.engine import (
    connect_duckdb,
    copy_spark_marts,
    current_engine,
    duckdb_memory_limit,
    metastore_busy,
    metastore_busy_message,
    metastore_holder,
)
from orchestration.health import record_dbt_tests
from orchestration.ingest.checked import stop_kept_workers
from orchestration.ingest.sources import export_problem
from orchestration.progress import PROGRESS_SECONDS, Pace, report
from orchestration.resources import RefreshLockResource, WarehouseResource
from orchestration.transform import (
    DBT_PROJECT_DIR,
    HiringDbtTranslator,
    dbt_project,
    keep_partial_parse,
    point_dbt_at,
    project_parse,
    seed_partial_parse,
)
from orchestration.transform_failures import describe_failures, describe_warnings

# Connections a replay sends nodes on side by side, as dbt's threads did (profiles.yml
# has 4): the demo's SQL took 1.6 s on one connection, 1.1 s on two, as on three or four.
# One for a warehouse from SIDE_BY_SIDE_MAX_BYTES: there each node's queries fill both
# cores already, and two at once raised the 1M refresh's peak memory from 2.7 GB to
# 3.1 GB (its limit is 3) for 2 s of its 29 s of SQL.
REPLAY_THREADS = 2
SIDE_BY_SIDE_MAX_BYTES = 256 << 20
DBT_STOP_SECONDS = 10  # for dbt to end its queries once told to stop, before it is killed


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=HiringDbtTranslator(),
)
def hiring_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    refresh_lock: RefreshLockResource,  # held for the run: one refresh per warehouse
):
    stop_kept_workers()  # dbt's memory, not the ingest's, counts from here
    # `hiring refresh` refuses such an export before it starts; a run from the Dagster UI
    # hears the same here, not as a failed test of an empty warehouse's as-of date.
    first_load = not warehouse.published_db.exists()
    if problem := export_problem(warehouse.exports_path, first_load):
        raise Failure(description=problem)
    args = ["build", "--exclude-resource-type", "unit_test"]
    if current_engine() == "duckdb":
        # dbt's debug log (a few MB, removed with the run's folder) took a tenth of
        # the demo build; its lines are not read. Spark keeps it: `_metastore_busy`.
        args += ["--log-level-file", "none"]
    if warehouse.as_of:
        args += ["--vars", json.dumps({"as_of": warehouse.as_of})]
    warehouse_dir = Path(warehouse.warehouse_dir)
    if current_engine() == "spark" and (pid := metastore_holder(warehouse_dir)) is not None:
        raise Failure(description=metastore_busy_message(warehouse_dir, pid))
    point_dbt_at(warehouse.warehouse_db)
    runs = warehouse.dbt_dir / "target"
    _remove_children(runs)  # left by a killed run; we hold the lock, nobody uses them
    target = runs / context.run.run_id[:8]
    parse = warehouse.dbt_dir / project_parse().name  # this warehouse's last, this engine's
    report(context, f"dbt {' '.join(args)}")
    replay = _replay_for(context, warehouse, args)  # None: dbt builds, and records if it can
    given: set[tuple] = set()  # the outputs and checks a replay that stopped gave
    try:
        if replay is not None and (yield from replay.events(context, target, given)):
            record_dbt_tests(warehouse.warehouse_db, context.run.run_id, target)
            return
        seed_partial_parse(target, parse)
        with dbt_replay.recorded_into(target if replay is not None else None) as statements:
            invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=target)
            seen: Counter[str] = Counter()
            pace = Pace(PROGRESS_SECONDS)
            warned = _Warned()
            stream = invocation.stream()
            with _stopped_if_left(invocation, stream):
                for event in stream:
                    seen[type(event).__name__] += 1
                    if (seconds := pace.due()) is not None:
                        report(context, f"  dbt: {_counts(seen)} ({seconds:.0f} s)")
                    if _given_as(event) not in given and not warned.held(event):
                        yield event
        report(context, f"  dbt done: {_counts(seen)}")
        yield from warned.described(context, warehouse.warehouse_db)
        record_dbt_tests(warehouse.warehouse_db, context.run.run_id, target)
        if not invocation.is_successful():
            failures = describe_failures(target, warehouse.warehouse_db)
            if current_engine() == "spark" and _metastore_busy(target):
                failures.insert(0, metastore_busy_message(warehouse_dir))
            raise Failure(
                description="dbt build failed:\n" + "\n".join(failures),
                metadata={"failures": MetadataValue.md("\n".join(f"- {f}" for f in failures))},
            )
        if replay is not None:
            replay.keep(statements)
        if current_engine() == "spark":
            tables = copy_spark_marts(warehouse.warehouse_db, warehouse_dir)
            report(
                context, f"  copied {len(tables)} Spark marts into {warehouse.warehouse_db.name}"
            )
    finally:
        keep_partial_parse(target, parse)
        shutil.rmtree(target, ignore_errors=True)


@contextlib.contextmanager
def _stopped_if_left(invocation, stream: Iterator) -> Iterator[None]:
    """dbt's process stops when the step leaves its stream early (an error here or in
    Dagster, which closes this generator). Left running, it would hold the warehouse
    (DuckDB's lock) while the refresh records its failure in the warehouse's history."""
    try:
        yield
    except BaseException:
        process = invocation.process
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # dbt's own way out: it ends its queries
            try:
                process.wait(timeout=DBT_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # The rest of dbt's output is read, not dropped: closed half-read, dagster-dbt's
        # reader catches the close with a bare `except` and yields again (Python warns).
        with contextlib.suppress(Exception):
            for _ in stream:
                pass
        raise


def _metastore_busy(target: Path) -> bool:
    """Whether this run's dbt log says another JVM holds the embedded metastore."""
    log = target / "dbt.log"
    return log.is_file() and metastore_busy(log.read_text(errors="replace"))


def _remove_children(folder: Path) -> None:
    if folder.is_dir():
        for child in folder.iterdir():
            shutil.rmtree(child, ignore_errors=True)


def _given_as(event) -> tuple | None:
    """What Dagster allows once per run: an asset's output, a check's result."""
    if isinstance(event, Output):
        return ("output", event.output_name)
    if isinstance(event, AssetCheckResult):
        return ("check", event.asset_key, event.check_name)
    return None


class _Warned:
    """The failed checks of warn severity, held back while dbt builds (its process holds
    the warehouse) and given at the end with their first stored row as the description:
    the refresh summary's warning lines and the Dagster UI's checks show it."""

    def __init__(self) -> None:
        self.events: list[AssetCheckResult] = []

    def held(self, event) -> bool:
        warned = (
            isinstance(event, AssetCheckResult)
            and not event.passed
            and event.severity == AssetCheckSeverity.WARN
        )
        if warned:
            self.events.append(event)
        return warned

    def described(self, context, warehouse_db: Path) -> list[AssetCheckResult]:
        if current_engine() != "duckdb":  # Spark stores them in its own catalog; the
            return self.events  # DuckDB file may hold an older DuckDB build's
        manifest, _, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        counts = {
            _meta(e, "unique_id"): _meta(e, "dagster_dbt/failed_row_count") for e in self.events
        }
        try:
            lines = describe_warnings(counts, manifest, warehouse_db)
        except Exception as error:  # a warning's example is a help, never a reason to fail
            # the type only: the message of an error reading a row could quote its values
            report(context, f"  warnings given without their rows ({type(error).__name__})")
            return self.events
        return [
            e._replace(description=lines.get(_meta(e, "unique_id")) or e.description)
            for e in self.events
        ]


def _meta(event, key: str):
    value = (event.metadata or {}).get(key)
    return getattr(value, "value", value)


def _counts(seen: Counter) -> str:
    models = seen["Output"] + seen["AssetMaterialization"]
    checks = seen["AssetCheckResult"] + seen["AssetCheckEvaluation"]
    return f"{models} models built, {checks} tests checked"


class _Replay:
    """This build's replay plan (orchestration/dbt_replay.py): the key of its inputs,
    the statements of the last dbt build with the same, when one was kept."""

    def __init__(self, warehouse_db: Path, key: str, manifest: dict, translator) -> None:
        self.warehouse_db = warehouse_db
        self.key = key
        self.manifest = manifest
        self.translator = translator

    def nodes(self, kind: str | None = None) -> dict[str, dict]:
        kinds = (kind,) if kind else ("model", "seed", "test")
        return {
            uid: node
            for uid, node in self.manifest["nodes"].items()
            if node["resource_type"] in kinds
        }

    def events(
        self, context: AssetExecutionContext, target: Path, given: set[tuple]
    ) -> Generator[Any, None, bool]:
        """The build's events from a replay of the kept statements, each node's as it
        finishes: Dagster stores them while the next nodes run (the demo's 286 took
        1.8 s after the replay's SQL when given at its end). True once the replay is
        done; False when there are none for these inputs or the replay stopped, and
        dbt builds, leaving out what was given (`given`)."""
        statements = dbt_replay.load_plan(dbt_replay.plans_dir(), self.key)
        if statements is None:
            return False
        seen: Counter[str] = Counter()
        pace = Pace(PROGRESS_SECONDS)
        warned = _Warned()  # dropped if the replay stops: dbt's build gives them again
        outcomes = []
        con = connect_duckdb(self.warehouse_db)
        try:
            # the settings of dbt's own connections (dbt_project/profiles.yml)
            con.execute(f"set memory_limit = '{duckdb_memory_limit()}'")
            session = ["set TimeZone = 'UTC'"]  # DuckDB keeps it per connection
            con.execute(session[0])
            configs = {uid: node["config"] for uid, node in self.nodes("test").items()}
            parents = {
                uid: node.get("depends_on", {}).get("nodes", [])
                for uid, node in self.nodes().items()
            }  # a seed depends on nothing
            stream = dbt_replay.streamed(
                con, statements, configs,
                parents=parents, threads=self.threads(), session=session,
            )  # fmt: skip
            with contextlib.closing(stream):
                for outcome in stream:
                    outcomes.append(outcome)
                    for event in self._translated(outcome, context, target):
                        if warned.held(event):
                            continue
                        if (key := _given_as(event)) is not None:
                            given.add(key)
                        yield event
                    test = outcome.unique_id.startswith("test.")
                    seen["AssetCheckResult" if test else "Output"] += 1
                    if (seconds := pace.due()) is not None:
                        report(context, f"  dbt (replay): {_counts(seen)} ({seconds:.0f} s)")
        except dbt_replay.ReplayStopped as stopped:
            report(context, f"  dbt replay stopped ({stopped}): dbt builds")
            return False
        finally:
            con.close()
        target.mkdir(parents=True, exist_ok=True)
        (target / "run_results.json").write_text(json.dumps(dbt_replay.run_results(outcomes)))
        shutil.copyfile(dbt_project.manifest_path, target / "manifest.json")
        report(context, f"  dbt done (replayed the last build's SQL): {_counts(seen)}")
        yield from warned.described(context, self.warehouse_db)
        return True

    def _translated(self, outcome: dbt_replay.Outcome, context, target: Path) -> Iterator:
        """The node's events, as dagster-dbt makes them of dbt's log line."""
        return DbtCoreCliEventMessage(
            raw_event=dbt_replay.raw_event(outcome, context.run.run_id),
            event_history_metadata={},
        ).to_default_asset_events(
            manifest=self.manifest,
            dagster_dbt_translator=self.translator,
            context=context,
            target_path=target,
            project=dbt_project,
        )

    def threads(self) -> int:
        small = self.warehouse_db.stat().st_size < SIDE_BY_SIDE_MAX_BYTES
        return REPLAY_THREADS if small else 1

    def keep(self, statements: Path | None) -> None:
        """After a successful dbt build: its statements are the plan for these inputs."""
        if statements is not None:
            dbt_replay.save_plan(statements, dbt_replay.plans_dir(), self.key, set(self.nodes()))


def _replay_for(
    context: AssetExecutionContext, warehouse: WarehouseResource, args: list[str]
) -> _Replay | None:
    """The replay plan of a whole build on DuckDB; None on Spark or for some assets only."""
    if current_engine() != "duckdb" or not dbt_replay.enabled() or not _whole_build(context):
        return None
    manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    dbt_vars = args[args.index("--vars") + 1] if "--vars" in args else None
    con = connect_duckdb(warehouse.warehouse_db)
    try:
        key = dbt_replay.plan_key(con, DBT_PROJECT_DIR, manifest, dbt_vars)
    finally:
        con.close()
    return _Replay(warehouse.warehouse_db, key, manifest, translator)


def _whole_build(context: AssetExecutionContext) -> bool:
    return (
        context.selected_asset_keys == context.assets_def.keys
        and context.selected_asset_check_keys == context.assets_def.check_keys
    )
