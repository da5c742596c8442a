"""A warehouse refreshed from a change equals one built from scratch on the changed export.

The change is what a week of an ATS looks like, about 1% of the objects: new
applications (with their stages, interviews, scorecards and offers), applications
that moved to their next stage, and offers that were resolved. It arrives as
delta files (`<entity>.delta-1.json`, the changed and new objects only) beside the
earlier snapshot, and the refresh merges them into the warehouse it already has.
Every mart must come out as the full rebuild's: same rows, same values.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.sources import GREENHOUSE_SOURCE, PEOPLE_SOURCE
from tests.conftest import refresh, run_hiring
from tests.reliability_cases import Export, csv_text, read_csv, read_objects, write_array
from tests.snapshot_compare import differences, tables

pytestmark = pytest.mark.slow

# Rows merged from a delta sit elsewhere in a raw table than rows of a snapshot, so a
# mean over them can be summed in another order: its last bits may move (72.5 and
# 72.50000000000001), nothing else.
FLOAT_REL_TOL = 1e-12
CHANGED = 3  # of each kind: about 1% of the objects of a 1,000-application export


def records_the_runs(table: str) -> bool:
    """The data-health tables: which files loaded when, and the refreshes themselves."""
    return table.startswith("meta_")


def _key(spec, obj: dict) -> str:
    return json.dumps([obj.get(k) for k in spec.key])


def earlier_state(export: Export) -> None:
    """Turn the export back a week: take the week's changes out of it."""
    applications = [a for a in export.objects("applications") if "id" in a]
    stages = export.objects("application_stages")
    by_application: dict[int, list[dict]] = {}
    for row in stages:
        by_application.setdefault(row["application_id"], []).append(row)

    # moved this week: active applications whose latest stage was entered this week
    moved = [
        a["id"]
        for a in applications
        if a.get("status") == "active" and len(by_application.get(a["id"], [])) >= 2
    ][:CHANGED]
    assert len(moved) == CHANGED

    # new this week: the last other applications, with everything that points to them
    for application in [a for a in applications if a["id"] not in moved][-CHANGED:]:
        export.remove_application(application["id"])

    stages = export.objects("application_stages")
    earlier = []
    for application_id in moved:
        rows = sorted(
            (r for r in stages if r["application_id"] == application_id),
            key=lambda r: r["entered_at"],
        )
        dropped, previous = rows[-1], rows[-2]
        earlier.append((dropped, previous))
    dropped_rows = [id(d) for d, _ in earlier]
    for _, previous in earlier:
        previous["exited_at"] = None
    export.save(
        "application_stages", [r for r in stages if id(r) not in dropped_rows], json_lines=True
    )

    # resolved this week: offers that were still open a week earlier
    offers = export.objects("offers")
    resolved = [o for o in offers if o["status"] in ("accepted", "rejected")][:CHANGED]
    assert len(resolved) == CHANGED
    for offer in resolved:
        offer.update(status="unresolved", resolved_at=None, updated_at=offer["created_at"])
    export.save("offers", offers)


def write_deltas(earlier: Path, later: Path) -> dict[str, int]:
    """Beside the earlier snapshots: each entity's new and changed records as a delta file."""
    written = {}
    for spec in GREENHOUSE_SOURCE.specs:
        path = later / "greenhouse" / f"{spec.name}.json"
        if not path.exists():
            continue
        before = {_key(spec, o): o for o in read_objects(earlier / "greenhouse" / path.name)}
        changed = [o for o in read_objects(path) if before.get(_key(spec, o)) != o]
        if changed:
            write_array(earlier / "greenhouse" / f"{spec.name}.delta-1.json", changed)
            written[spec.name] = len(changed)
    for spec in PEOPLE_SOURCE.specs:  # e.g. the surveys of the new applications
        header, rows = read_csv(later / "people" / f"{spec.name}.csv")
        _, earlier_rows = read_csv(earlier / "people" / f"{spec.name}.csv")
        before = {_key(spec, r): r for r in earlier_rows}
        changed = [r for r in rows if before.get(_key(spec, r)) != r]
        if changed:
            delta = earlier / "people" / f"{spec.name}.delta-1.csv"
            delta.write_text(csv_text(header, changed), encoding="utf-8")
            written[spec.name] = len(changed)
    return written


@pytest.fixture(scope="module")
def two_warehouses(tmp_path_factory) -> tuple[Path, Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("incremental")
    later = root / "later"
    generated = run_hiring(
        "generate", "--out", str(later), "--applications", "1000", "--seed", "11"
    )
    assert generated.returncode == 0, generated.stderr
    weekly = Path(shutil.copytree(later, root / "weekly"))
    earlier_state(Export(weekly))

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
