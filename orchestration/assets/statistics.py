"""The statistics step: Fisher's exact test and bootstrap intervals after the dbt marts.

Reads `marts.fct_selection_counts` and `marts.fct_program_effect_units`, writes
`marts.fct_selection_rates` and `marts.fct_program_effect` through one connection to
the warehouse, both in one transaction: a reader (publish) sees the old pair or the
new pair, never one of each. Each output carries a blocking contract check, like the
dbt marts' tests.
"""

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    multi_asset,
)

from orchestration import check_meanings
from orchestration.engine import connect_duckdb
from orchestration.health import record_statistics_checks
from orchestration.progress import report
from orchestration.resources import RefreshLockResource, WarehouseResource
from orchestration.statistics import fairness, program_effect

CONTRACT_CHECK = "contract"


@dataclass(frozen=True)
class Step:
    """One input mart, the function that turns it into one output table, and its contract."""

    input_table: str
    input_columns: dict[str, str]
    output_table: str
    output_columns: dict[str, str]
    compute: Callable[[pd.DataFrame], pd.DataFrame]
    hidden_when: str  # SQL: rows whose display values must be null
    display_columns: list[str]

    @property
    def input_key(self) -> AssetKey:
        return AssetKey(self.input_table.split("."))

    @property
    def output_key(self) -> AssetKey:
        return AssetKey(self.output_table.split("."))


STEPS = [
    Step(
        fairness.INPUT_TABLE,
        fairness.INPUT_COLUMNS,
        fairness.OUTPUT_TABLE,
        fairness.OUTPUT_COLUMNS,
        lambda counts: fairness.selection_rates(counts),
        "is_suppressed",
        fairness.DISPLAY_COLUMNS,
    ),
    Step(
        program_effect.INPUT_TABLE,
        program_effect.INPUT_COLUMNS,
        program_effect.OUTPUT_TABLE,
        program_effect.OUTPUT_COLUMNS,
        lambda units: program_effect.program_effect(units),
        f"verdict = '{program_effect.NOT_ENOUGH_DATA}'",
        program_effect.EFFECT_COLUMNS,
    ),
]


def read_input(con: duckdb.DuckDBPyConnection, step: Step) -> pd.DataFrame:
    """The input mart, cast to the documented types (a mismatch fails here, naming the table)."""
    columns = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in step.input_columns.items())
    try:
        # in a set order: the bootstrap resamples rows by position, so the same rows in
        # another order (another engine, another parallel write) gave another interval
        return con.execute(f"select {columns} from {step.input_table} order by all").df()
    except duckdb.Error as error:
        raise RuntimeError(
            f"{step.input_table} does not match its documented schema: {error}"
        ) from error


def write_outputs(con: duckdb.DuckDBPyConnection, outputs: dict[str, pd.DataFrame]) -> None:
    """Replace every output table in one transaction, with the documented column types."""
    con.execute("begin transaction")
    try:
        for step in STEPS:
            frame = outputs[step.output_table]
            con.register("statistics_output", frame)
            columns = ", ".join(
                f'cast("{c}" as {t}) as "{c}"' for c, t in step.output_columns.items()
            )
            con.execute(f"create schema if not exists {step.output_table.split('.')[0]}")
            con.execute(
                f"create or replace table {step.output_table} as"
                f" select {columns} from statistics_output"
            )
            con.unregister("statistics_output")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def contract_violations(con: duckdb.DuckDBPyConnection, step: Step) -> dict:
    """What is wrong with a written output: column names/types, values shown that must be hidden."""
    schema, table = step.output_table.split(".")
    actual = dict(
        con.execute(
            "select column_name, data_type from duckdb_columns()"
            " where database_name = current_database() and schema_name = ? and table_name = ?"
            " order by column_index",
            [schema, table],
        ).fetchall()
    )
    wrong_types = {
        c: f"{actual.get(c, 'missing')} (expected {t})"
        for c, t in step.output_columns.items()
        if actual.get(c) != t
    }
    unexpected = sorted(set(actual) - set(step.output_columns))
    shown = " or ".join(f'"{c}" is not null' for c in step.display_columns)
    leaked = con.execute(
        f"select count(*) from {step.output_table} where ({step.hidden_when}) and ({shown})"
    ).fetchone()[0]
    rows = con.execute(f"select count(*) from {step.output_table}").fetchone()[0]
    return {"wrong_types": wrong_types, "unexpected": unexpected, "leaked": leaked, "rows": rows}


def _passed(found: dict) -> bool:
    return not found["wrong_types"] and not found["unexpected"] and found["leaked"] == 0


def _check_result(step: Step, found: dict) -> AssetCheckResult:
    passed = _passed(found)
    problems = [f"{c}: {v}" for c, v in found["wrong_types"].items()]
    problems += [f"unexpected column {c}" for c in found["unexpected"]]
    if found["leaked"]:
        problems.append(f"{found['leaked']} hidden rows show a value")
    return AssetCheckResult(
        asset_key=step.output_key,
        check_name=CONTRACT_CHECK,
        passed=passed,
        severity=AssetCheckSeverity.ERROR,
        description="; ".join(problems) or None,
        metadata={
            "rows": found["rows"],
            "rows_showing_hidden_values": found["leaked"],
            "problems": "; ".join(problems) or "none",
        },
    )


@multi_asset(
    name="statistics",
    specs=[
        AssetSpec(
            key=step.output_key,
            deps=[step.input_key],
            group_name="marts",
            kinds={"duckdb", "python"},
            description=f"Computed in Python from `{step.input_table}` (see docs/statistics.md).",
        )
        for step in STEPS
    ],
    check_specs=[
        AssetCheckSpec(
            CONTRACT_CHECK,
            asset=step.output_key,
            blocking=True,
            description=check_meanings.STATISTICS_CONTRACT,
        )
        for step in STEPS
    ],
    description="Fisher's exact test and bootstrap intervals: what SQL cannot compute.",
)
def statistics(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    refresh_lock: RefreshLockResource,  # held for the run: one refresh per warehouse
):
    report(context, f"statistics: reading {warehouse.warehouse_db}")
    con = connect_duckdb(warehouse.warehouse_db)
    try:
        outputs = {step.output_table: step.compute(read_input(con, step)) for step in STEPS}
        write_outputs(con, outputs)
        found = {step.output_table: contract_violations(con, step) for step in STEPS}
        # kept for the snapshot's list of checks (Data health), beside dbt's tests
        record_statistics_checks(
            con,
            context.run.run_id,
            [
                (CONTRACT_CHECK, name.split(".")[-1], "pass" if _passed(f) else "fail", f["leaked"])
                for name, f in found.items()
            ],
        )
    finally:
        con.close()
    for step in STEPS:
        report(context, f"  {step.output_table}: {len(outputs[step.output_table])} rows")
        yield MaterializeResult(
            asset_key=step.output_key, metadata={"rows": found[step.output_table]["rows"]}
        )
        yield _check_result(step, found[step.output_table])
