"""The synthetic export generator: deterministic, self-consistent, shaped like the export format."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.generate import generate_export
from orchestration.generate.company import STAGE_NAMES
from orchestration.ingest.readers import read_json_records
from orchestration.ingest.specs import GREENHOUSE, PEOPLE

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "seeds" / "demo"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def load(root: Path) -> dict[str, list[dict]]:
    """Every file through the project's own readers."""
    data = {}
    for p in sorted((root / "greenhouse").glob("*.json")):
        data[p.stem] = [r.data for r in read_json_records(p, p.name)]
    for p in sorted((root / "people").glob("*.csv")):
        with p.open(newline="", encoding="utf-8") as handle:
            data[p.stem] = [
                {k: (v or None) for k, v in row.items()} for row in csv.DictReader(handle)
            ]
    return data


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> tuple[Path, dict[str, int], dict[str, list[dict]]]:
    root = tmp_path_factory.mktemp("export")
    counts = generate_export(root, applications=600, seed=11)
    return root, counts, load(root)


# --- determinism ---------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    generate_export(tmp_path / "a", 300, seed=5)
    generate_export(tmp_path / "b", 300, seed=5)
    generate_export(tmp_path / "c", 300, seed=6)
    a, b, c = files_of(tmp_path / "a"), files_of(tmp_path / "b"), files_of(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys()
    differing = [name for name in a if a[name] != c[name]]
    # the fixed catalogues (departments, offices, sources, reasons) are the same for every seed
    assert set(a) - set(differing) == {
        "greenhouse/departments.json",
        "greenhouse/offices.json",
        "greenhouse/sources.json",
        "greenhouse/rejection_reasons.json",
    }


def test_committed_demo_is_the_default_export(tmp_path):
    counts = generate_export(tmp_path, 2000, 7)
    assert counts["greenhouse/applications.json"] == 2000
    assert files_of(DEMO) == files_of(tmp_path)
    assert sum(len(b) for b in files_of(DEMO).values()) < 5_000_000


# --- the documented format -----------------------------------------------------


def test_counts_match_rows_and_every_documented_file_exists(export):
    root, counts, data = export
    expected = {f"greenhouse/{s.name}.json" for s in GREENHOUSE} | {
        f"people/{s.name}.csv" for s in PEOPLE
    }
    assert set(counts) == expected
    for name, n in counts.items():
        assert len(data[Path(name).stem]) == n, name
    assert counts["greenhouse/applications.json"] == 600


def test_file_encodings_cover_array_json_lines_and_pages(export):
    root, _, _ = export
    pages = json.loads((root / "greenhouse/applications.json").read_text())
    assert [len(p) for p in pages] == [500, 100]
    first_line = (root / "greenhouse/application_stages.json").read_text().splitlines()[0]
    assert isinstance(json.loads(first_line), dict)
    assert isinstance(json.loads((root / "greenhouse/jobs.json").read_text())[0], dict)


@pytest.mark.parametrize("spec", GREENHOUSE + PEOPLE, ids=lambda s: s.name)
def test_documented_fields_have_documented_types(export, spec):
    _, _, data = export
    rows = data[spec.name]
    assert rows, spec.name
    for row in rows:
        for f in spec.fields:
            assert f.name in row, (spec.name, f.name)
            value = row[f.name]
            if value is None:
                assert not f.required, (spec.name, f.name)
                continue
            if spec.source == "greenhouse" and f.type in ("id", "int"):
                assert isinstance(value, int) and not isinstance(value, bool), (
                    spec.name,
                    f.name,
                    value,
                )
            elif f.type in ("id", "int"):
                assert re.fullmatch(r"\d+", value), (spec.name, f.name, value)
            elif f.type == "timestamp":
                assert TIMESTAMP.match(value), (spec.name, f.name, value)
            elif f.type == "date":
                assert DATE.match(value), (spec.name, f.name, value)
            elif f.type == "bool" and spec.source == "greenhouse":
                assert isinstance(value, bool)
            elif f.type == "bool":
                assert value in ("true", "false")
            if f.values:
                assert str(value) in f.values, (spec.name, f.name, value)


# --- referential integrity -----------------------------------------------------


def test_every_reference_points_at_an_existing_object(export):
    _, _, d = export
    ids = {name: {r["id"] for r in rows} for name, rows in d.items() if rows and "id" in rows[0]}
    apps = {a["id"]: a for a in d["applications"]}
    stages_of_job = defaultdict(set)
    for s in d["job_stages"]:
        stages_of_job[s["job_id"]].add(s["id"])
    openings = {o["id"]: (j["id"], o) for j in d["jobs"] for o in j["openings"]}

    for a in apps.values():
        assert a["candidate_id"] in ids["candidates"]
        assert a["source"]["id"] in ids["sources"]
        assert a["credited_to"]["id"] in ids["users"]
        assert all(j["id"] in ids["jobs"] for j in a["jobs"])
        if a["current_stage"]:
            assert a["current_stage"]["id"] in stages_of_job[a["jobs"][0]["id"]]
        if a["rejection_reason"]:
            assert a["rejection_reason"]["id"] in ids["rejection_reasons"]
    for c in d["candidates"]:
        assert all(apps[i]["candidate_id"] == c["id"] for i in c["application_ids"])
    for st in d["application_stages"]:
        assert st["stage_id"] in stages_of_job[apps[st["application_id"]]["jobs"][0]["id"]]
    for j in d["jobs"]:
        team = j["hiring_team"]
        assert all(p["id"] in ids["users"] for members in team.values() for p in members)
        assert j["departments"][0]["id"] in ids["departments"]
        assert j["offices"][0]["id"] in ids["offices"]
        for o in j["openings"]:
            if o["application_id"] is not None:
                assert apps[o["application_id"]]["jobs"][0]["id"] == j["id"]
                assert o["closed_at"] is not None
    for o in d["offers"]:
        app = apps[o["application_id"]]
        assert o["job_id"] == app["jobs"][0]["id"] and o["candidate_id"] == app["candidate_id"]
        assert openings[o["opening"]["id"]][0] == o["job_id"]
    for iv in d["scheduled_interviews"]:
        assert iv["application_id"] in apps and iv["organizer"]["id"] in ids["users"]
        assert all(p["id"] in ids["users"] and p["email"] for p in iv["interviewers"])
    card_ids = {
        p["scorecard_id"] for iv in d["scheduled_interviews"] for p in iv["interviewers"]
    } - {None}
    assert card_ids == ids["scorecards"]
    for s in d["scorecards"]:
        assert s["candidate_id"] == apps[s["application_id"]]["candidate_id"]
    for dem in d["demographics"]:
        assert dem["candidate_id"] == apps[dem["application_id"]]["candidate_id"]

    hired = {i for i, a in apps.items() if a["status"] == "hired"}
    employees = {e["employee_id"]: e for e in d["employees"]}
    assert {int(e["application_id"]) for e in employees.values()} == hired
    for name in ("performance_reviews", "hiring_manager_surveys"):
        assert all(r["employee_id"] in employees for r in d[name])
    assert all(int(r["manager_user_id"]) in ids["users"] for r in d["hiring_manager_surveys"])
    assert all(int(r["application_id"]) in apps for r in d["candidate_surveys"])
    emails = {u["primary_email_address"] for u in d["users"]}
    assert all(r["user_email"] in emails for r in d["training_completions"])
    assert all(int(r["job_id"]) in ids["jobs"] for r in d["intake_meetings"] + d["retrospectives"])
    assert all(
        int(r["interview_id"]) in ids["scheduled_interviews"] for r in d["interview_talk_time"]
    )
    assert all(int(r["opening_id"]) in openings for r in d["retrospectives"] if r["opening_id"])


def test_stage_histories_are_consistent(export):
    _, _, d = export
    apps = {a["id"]: a for a in d["applications"]}
    offers = defaultdict(list)
    for o in d["offers"]:
        offers[o["application_id"]].append(o)
    history = defaultdict(list)
    for st in d["application_stages"]:
        history[st["application_id"]].append(st)
    for app_id, stays in history.items():
        a = apps[app_id]
        for before, after in zip(stays, stays[1:], strict=False):
            assert ts(before["entered_at"]) < ts(after["entered_at"])
            assert ts(before["exited_at"]) == ts(after["entered_at"])
        last = stays[-1]
        assert a["current_stage"]["id"] == last["stage_id"]
        if a["applied_at"]:
            assert ts(stays[0]["entered_at"]) == ts(a["applied_at"])
        if a["status"] == "active":
            assert last["exited_at"] is None and a["rejected_at"] is None
        elif a["status"] == "rejected":
            assert ts(last["exited_at"]) == ts(a["rejected_at"])
        else:
            accepted = [o for o in offers[app_id] if o["status"] == "accepted"]
            assert last["stage_name"] == "Offer" and len(accepted) == 1
            assert ts(last["exited_at"]) >= ts(accepted[0]["resolved_at"])
    # prospects without a job have no history; everyone else has one
    assert {i for i, a in apps.items() if a["jobs"]} == set(history)


def test_offer_versions_and_openings_agree(export):
    _, _, d = export
    by_app = defaultdict(list)
    for o in d["offers"]:
        by_app[o["application_id"]].append(o)
    filled = {o["id"]: o for j in d["jobs"] for o in j["openings"] if o["application_id"]}
    for app_id, versions in by_app.items():
        assert [v["version"] for v in versions] == list(range(1, len(versions) + 1))
        assert all(v["status"] == "deprecated" for v in versions[:-1])
        latest = versions[-1]
        assert latest["status"] != "deprecated"
        assert (latest["resolved_at"] is None) == (latest["status"] == "unresolved")
        if latest["status"] == "accepted":
            opening = filled[latest["opening"]["id"]]
            assert opening["application_id"] == app_id
            assert ts(opening["closed_at"]) >= ts(latest["resolved_at"])
    assert all(by_app[o["application_id"]][-1]["status"] == "accepted" for o in filled.values())


def test_stage_names_are_all_known_and_documented(export):
    _, _, d = export
    used = {s["name"] for s in d["job_stages"]}
    assert used <= set(STAGE_NAMES)
    readme = (REPO / "seeds" / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in STAGE_NAMES)


# --- shape of the company ------------------------------------------------------


def test_demo_has_the_edge_cases_loaders_and_metrics_must_handle():
    d = load(DEMO)
    apps = d["applications"]
    assert any(a["prospect"] and a["applied_at"] is None and a["jobs"] for a in apps)
    assert any(a["prospect"] and not a["jobs"] for a in apps)
    assert any(a["status"] == "active" for a in apps)
    assert {a["rejection_reason"]["type"]["name"] for a in apps if a["rejection_reason"]} == {
        "We rejected them",
        "They rejected us",
        "None specified",
    }
    per_candidate = defaultdict(list)
    for a in apps:
        per_candidate[a["candidate_id"]].append(a)
    assert any(
        len(v) > 1 and len({x["jobs"][0]["id"] for x in v}) > 1 for v in per_candidate.values()
    )
    assert {"deprecated", "accepted", "rejected", "unresolved"} <= {
        o["status"] for o in d["offers"]
    }
    jobs = d["jobs"]
    assert sum(j["custom_fields"]["evergreen"] for j in jobs) == 1
    assert {"open", "closed", "draft"} == {j["status"] for j in jobs}
    assert any(o["status"] == "open" for j in jobs for o in j["openings"])
    assert any(len([o for o in j["openings"] if o["application_id"]]) > 1 for j in jobs)
    stays = d["application_stages"]
    assert any(s["exited_at"] is None for s in stays)
    offsets = {s["entered_at"][19:] for s in stays}
    assert {"Z", "-08:00", "-05:00", "+01:00", "+05:30"} <= offsets
    # an evening in San Francisco is already tomorrow in UTC
    assert any(
        s["entered_at"][:10] != ts(s["entered_at"]).astimezone(UTC).date().isoformat()
        for s in stays
        if s["entered_at"].endswith("-08:00")
    )
    assert {i["status"] for i in d["scheduled_interviews"]} == {
        "complete",
        "awaiting_feedback",
        "scheduled",
    }
    assert any(dem["race"] is None for dem in d["demographics"])
    assert any(
        (dem["gender"] or {}).get("description") == "Decline To Self Identify"
        for dem in d["demographics"]
    )
    assert {e["termination_type"] for e in d["employees"]} >= {None, "voluntary"}
    assert {r["course_code"] for r in d["training_completions"]} >= {"license_to_hire"}
    assert any(r["submitted_at"] is None for r in d["candidate_surveys"])
