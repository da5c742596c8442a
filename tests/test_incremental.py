"""A warehouse refreshed from a change equals one built from scratch on the changed export.

The change is what a week of an ATS looks like, about 1% of the objects
(tests/weekly_change.py; the benchmark makes the same change at 1M). It arrives
as delta files beside the earlier snapshot, and the refresh merges them into the
warehouse it already has. Every mart must come out as the full rebuild's: same
rows, same values.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import refresh, run_hiring
from tests.reliability_cases import Export
from tests.snapshot_compare import differences, records_the_runs, tables
from tests.weekly_change import earlier_state, write_deltas

pytestmark = pytest.mark.slow

# Rows merged from a delta sit elsewhere in a raw table than rows of a snapshot, so a
# mean over them can be summed in another order: its last bits may move (72.5 and
# 72.50000000000001), nothing else.
FLOAT_REL_TOL = 1e-12
CHANGED = 3  # of each kind: about 1% of the objects of a 1,000-application export


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory) -> tuple[Path, Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("incremental")
    later = root / "later"
    generated = run_hiring(
        "generate", "--out", str(later), "--applications", "1000", "--seed", "11"
    )
    assert generated.returncode == 0, generated.stderr
    weekly = Path(shutil.copytree(later, root / "weekly"))
    earlier_state(Export(weekly), CHANGED)

    incremental = root / "incremental"
    first = refresh(weekly, incremental)
    assert first.returncode == 0, first.stdout + first.stderr
    deltas = write_deltas(weekly, later)
    second = refresh(weekly, incremental)
    assert second.returncode == 0, second.stdout + second.stderr

    full = root / "full"
    rebuilt = refresh(later, full)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    return incremental, full, deltas


def test_the_change_is_about_one_percent_and_arrives_as_deltas(two_warehouses):
    _, _, deltas = two_warehouses
    assert deltas["applications"] == CHANGED
    assert deltas["offers"] >= CHANGED  # the resolved ones, and any of the new applications
    assert deltas["application_stages"] >= 2 * CHANGED  # a new stay and the one it closed
    assert deltas.get("candidate_surveys", 0) <= CHANGED  # the new applications' surveys


def test_incremental_marts_equal_the_full_rebuild(two_warehouses):
    incremental, full, _ = two_warehouses
    got = duckdb.connect(str(incremental / "published.duckdb"), read_only=True)
    want = duckdb.connect(str(full / "published.duckdb"), read_only=True)
    try:
        assert tables(got) == tables(want) and len(tables(want)) > 20
        found = differences(want, got, FLOAT_REL_TOL, skip_table=records_the_runs)
    finally:
        got.close()
        want.close()
    assert not found, "marts that differ from the full rebuild:\n" + "\n".join(found)
