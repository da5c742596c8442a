"""`hiring-dbt`: dbt's own CLI, in a process that dies with the process that started it.

A refresh runs dbt as a child process (dagster-dbt starts it). When the refresh
is killed with SIGKILL it cannot stop its child, and an orphaned dbt would keep
writing warehouse.duckdb, so the next refresh fails on DuckDB's file lock. On
Linux the kernel can do it for us: PR_SET_PDEATHSIG sends SIGKILL to this
process when its parent dies. Elsewhere this is plain dbt.

It also runs dbt from the warehouse's folder. dbt keeps its parse of the
project only while the profile is unchanged, and the profile holds the
warehouse path: with an absolute path every new warehouse (a first refresh, a
test, the benchmark) parsed the whole project again (seconds). From the
warehouse's folder the path is always `warehouse.duckdb`, and one parse serves
every warehouse.

And, asked by the refresh (`HIRING_DBT_RECORD`), it records the statements dbt
sends DuckDB, for the next builds to replay (orchestration/dbt_replay.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not fatal: dbt still runs, it just may outlive a killed parent
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def run_from_warehouse_folder() -> None:
    warehouse_db = os.environ.get("HIRING_WAREHOUSE_DB", "")
    if not os.path.isabs(warehouse_db):
        return
    os.environ.setdefault("DBT_PROJECT_DIR", os.getcwd())  # dbt is started in the project
    for i, arg in enumerate(sys.argv[:-1]):  # folders given relative to where dbt started
        if arg in ("--project-dir", "--profiles-dir", "--target-path", "--log-path"):
            sys.argv[i + 1] = os.path.abspath(sys.argv[i + 1])
    os.chdir(os.path.dirname(warehouse_db))
    os.environ["HIRING_WAREHOUSE_DB"] = os.path.basename(warehouse_db)


def main() -> None:
    die_with_parent()
    run_from_warehouse_folder()
    from dbt.cli.main import cli

    from orchestration.dbt_replay import RECORD_ENV, recording

    record = os.environ.get(RECORD_ENV)
    with recording(Path(record)) if record else contextlib.nullcontext():
        sys.exit(cli())


if __name__ == "__main__":
    main()
