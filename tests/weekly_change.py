"""A week of an ATS, as the incremental test and the benchmark make it.

`earlier_state` turns a generated export back a week by taking out about 1% of
its objects' changes: new applications (with everything that points to them),
applications that moved to their next stage, and offers that were resolved.
`write_deltas` then puts the week back as delta files (`<entity>.delta-1.json`,
the new and changed objects only) beside the earlier snapshots. A refresh of
the earlier export followed by one with the deltas must equal a full rebuild.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.ingest.sources import GREENHOUSE_SOURCE, PEOPLE_SOURCE
from tests.reliability_cases import Export, csv_text, read_csv, read_objects, write_array


def changed_per_kind(applications: int) -> int:
    """Objects of each kind to change: three kinds, about 1% of the applications in all
    (the moved stages are fewer where few applications are still active)."""
    return max(3, applications // 300)


def _key(spec, obj: dict) -> str:
    return json.dumps([obj.get(k) for k in spec.key])


def earlier_state(export: Export, changed: int) -> dict[str, int]:
    """Turn the export back a week: take `changed` of each kind of change out of it
    (fewer moved stages if fewer active applications have a stage to go back to).
    Returns how many of each kind."""
    applications = [a for a in export.objects("applications") if "id" in a]
    stage_counts: dict[int, int] = {}
    for row in export.objects("application_stages"):
        stage_counts[row["application_id"]] = stage_counts.get(row["application_id"], 0) + 1

    # moved this week: active applications whose latest stage was entered this week
    moved = [
        a["id"]
        for a in applications
        if a.get("status") == "active" and stage_counts.get(a["id"], 0) >= 2
    ][:changed]
    assert moved, "no active application with two stages"
    moved_set = set(moved)

    # new this week: the last other applications, with everything that points to them
    new = [a["id"] for a in applications if a["id"] not in moved_set][-changed:]
    del applications
    export.remove_applications(set(new))

    stages = export.objects("application_stages")
    by_application: dict[int, list[dict]] = {}
    for row in stages:
        if row["application_id"] in moved_set:
            by_application.setdefault(row["application_id"], []).append(row)
    dropped_rows = set()
    for application_id in moved:
        rows = sorted(by_application[application_id], key=lambda r: r["entered_at"])
        dropped_rows.add(id(rows[-1]))
        rows[-2]["exited_at"] = None
    export.save(
        "application_stages", [r for r in stages if id(r) not in dropped_rows], json_lines=True
    )

    # resolved this week: offers that were still open a week earlier
    offers = export.objects("offers")
    resolved = [o for o in offers if o["status"] in ("accepted", "rejected")][:changed]
    assert len(resolved) == changed
    for offer in resolved:
        offer.update(status="unresolved", resolved_at=None, updated_at=offer["created_at"])
    export.save("offers", offers)
    return {"new applications": len(new), "moved stages": len(moved), "resolved offers": changed}


def write_deltas(earlier: Path, later: Path) -> dict[str, int]:
    """Beside the earlier snapshots: each entity's new and changed records as a delta file."""
    written = {}
    for spec in GREENHOUSE_SOURCE.specs:
        path = later / "greenhouse" / f"{spec.name}.json"
        if not path.exists():
            continue
        before = {_key(spec, o): o for o in read_objects(earlier / "greenhouse" / path.name)}
        changed = [o for o in read_objects(path) if before.get(_key(spec, o)) != o]
        del before
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
