"""`hiring status`: what a warehouse holds, read without refreshing it (real refreshes of
the hand-made export, whose three warnings EXPECTED.md lists)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import HANDMADE_AS_OF, HANDMADE_EXPORT, refresh, run_hiring


def status(warehouse):
    return run_hiring("status", "--warehouse", str(warehouse))


def test_without_a_published_snapshot_status_says_how_to_make_one(tmp_path) -> None:
    result = status(tmp_path / "wh")

    assert result.returncode == 1
    assert f"No published snapshot at {tmp_path / 'wh' / 'published.duckdb'}" in result.stderr
    assert "hiring refresh --exports DIR" in result.stderr


@pytest.mark.slow
def test_status_shows_the_snapshot_its_warnings_and_a_refresh_that_failed_since(
    tmp_path,
) -> None:
    warehouse = tmp_path / "wh"
    assert refresh(HANDMADE_EXPORT, warehouse, HANDMADE_AS_OF).returncode == 0

    published = status(warehouse)

    assert published.returncode == 0, published.stderr
    lines = published.stdout.splitlines()
    assert lines[0] == f"Warehouse {warehouse.resolve()}"
    assert lines[1].endswith(", data as of 31 Mar 2026 (latest event 10 Apr 2026)")
    assert (
        lines[2] == "  files        20 (20 loaded by that refresh, 0 unchanged), 0 rows quarantined"
    )
    assert lines[3] == "  checks       190 passed, 0 failed, 3 warned"
    assert lines[4] == (
        "    warn · dbt test hired_without_hire_date on fct_applications (1 failing row):"
        " Hires whose hire date cannot be established (no time to hire); a warning."
    )
    assert [line.split(" on ")[0] for line in lines[5:7]] == [
        "    warn · dbt test offers_for_applications_not_in_export",
        "    warn · dbt test stage_stays_for_applications_not_in_export",
    ]
    assert len(lines) == 9
    assert lines[7] == "  refreshes    newest first"
    assert lines[8].endswith("  published, as of 31 Mar 2026: 20 files, 181 rows loaded")

    # a refresh that fails keeps the snapshot; status says the latest one failed
    assert refresh(HANDMADE_EXPORT, warehouse, "2000-01-01").returncode == 1
    failed = status(warehouse)

    assert failed.returncode == 1
    after = failed.stdout.splitlines()
    assert after[:7] == lines[:7]  # the same snapshot
    assert after[8].endswith("  FAILED at hiring_dbt_models")
    assert after[9] == lines[8]
    assert after[-1] == (
        "The latest refresh FAILED: the published snapshot is the one before it."
        f" Why: {warehouse.resolve() / 'logs' / 'refresh.log'}"
    )

    # while a refresh holds the warehouse (its PID in the lock file), only the snapshot's
    # own history is read, and status says one is running
    (warehouse / ".refresh.lock").write_text(f"{os.getpid()}\n")
    running = status(warehouse)

    assert running.returncode == 0  # as far as the snapshot knows
    assert "  refreshes    newest first (as the snapshot kept them)" in running.stdout
    assert "FAILED" not in running.stdout
    assert running.stdout.splitlines()[-1] == (
        f"A refresh (PID {os.getpid()}) is running now; its result is not above yet."
    )


def test_a_refresh_is_running_only_while_its_process_lives(tmp_path) -> None:
    import subprocess
    import sys

    from orchestration.lock import lock_path, running_refresh

    assert running_refresh(tmp_path) is None  # no lock file yet
    lock_path(tmp_path).write_text("")  # a finished refresh clears its PID
    assert running_refresh(tmp_path) is None
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    lock_path(tmp_path).write_text(ended.stdout)  # a killed refresh's PID stays behind
    assert running_refresh(tmp_path) is None
    lock_path(tmp_path).write_text(f"{os.getpid()}\n")
    assert running_refresh(tmp_path) == str(os.getpid())
