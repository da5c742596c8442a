"""The synthetic export generator: deterministic, self-consistent, shaped like the export format."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestration.generate import DEMO_APPLICATIONS, LEVER_ENCODING, generate_export
from orchestration.generate.company import ACQUIRED_AT, DEPARTMENTS, STAGE_NAMES
from orchestration.generate.lever import ARCHIVE_REASONS, LEVER_PIPELINE
from orchestration.generate.parallel import beside
from orchestration.ingest.readers import read_json_records
from orchestration.ingest.specs import GREENHOUSE, PEOPLE

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "seeds" / "demo"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
N_APPS = 1500  # enough for the acquired departments to hire a few people
LEVER_DEPARTMENTS = {d.name for d in DEPARTMENTS if d.ats == "lever"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The committed demo export (its files are gzip-compressed), decompressed."""
    root = tmp_path_factory.mktemp("demo")
    for p in sorted(DEMO.rglob("*.gz")):
        out = root / p.relative_to(DEMO).with_suffix("")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(gzip.decompress(p.read_bytes()))
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def lever_rows(path: Path) -> list[dict]:
    """The objects of a Lever file in any of the shapes Lever users save: one response
    page, an array of pages, JSON Lines of pages, a plain array or JSON Lines of objects."""
    text = path.read_text(encoding="utf-8")
    try:
        values = [json.loads(text)]
    except json.JSONDecodeError:
        values = [json.loads(line) for line in text.splitlines() if line.strip()]
    if len(values) == 1 and isinstance(values[0], list):
        values = values[0]
    rows = []
    for value in values:
        if isinstance(value, dict) and set(value) <= {"data", "hasNext", "next"}:
            rows += value["data"]
        else:
            rows.append(value)
    return rows


def load(root: Path) -> dict[str, list[dict]]:
    """Every file through the project's own readers (Lever files: `lever_<name>`)."""
    data = {}
    for p in sorted((root / "greenhouse").glob("*.json")):
        data[p.stem] = [r.data for r in read_json_records(p, p.name).records]
    for p in sorted((root / "lever").glob("*.json")):
        data[f"lever_{p.stem}"] = lever_rows(p)
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
    counts = generate_export(root, applications=N_APPS, seed=11)
    return root, counts, load(root)


# --- determinism ---------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    # 500: enough for both seeds' acquired departments to make an offer
    generate_export(tmp_path / "a", 500, seed=5)
    generate_export(tmp_path / "b", 500, seed=5)
    generate_export(tmp_path / "c", 500, seed=6)
    a, b, c = files_of(tmp_path / "a"), files_of(tmp_path / "b"), files_of(tmp_path / "c")
    assert a == b
    assert a.keys() == c.keys()
    differing = [name for name in a if a[name] != c[name]]
    # the fixed catalogues (departments, offices, sources, reasons, Lever's pipeline and
    # archive reasons) are the same for every seed
    assert set(a) - set(differing) == {
        "greenhouse/departments.json",
        "greenhouse/offices.json",
        "greenhouse/sources.json",
        "greenhouse/rejection_reasons.json",
        "lever/stages.json",
        "lever/archive_reasons.json",
    }
    assert {name for name in a if name.startswith("lever/")} == {
        f"lever/{name}.json" for name in LEVER_ENCODING
    }


def test_committed_demo_is_the_default_export(tmp_path):
    counts = generate_export(tmp_path, seed=7, compress=True)
    assert counts["greenhouse/applications.json"] + counts["lever/applications.json"] == (
        DEMO_APPLICATIONS
    )
    assert files_of(DEMO) == files_of(tmp_path)
    assert sum(len(b) for b in files_of(DEMO).values()) < 5_000_000


def test_the_two_halves_merge_and_a_failure_in_either_is_raised(tmp_path):
    marker = tmp_path / "written by the child"

    def there():
        marker.write_text("x")
        return {"a": 1}

    assert beside(there, lambda: {"b": 2}) == {"a": 1, "b": 2}
    assert marker.exists()  # the child really ran, in its own process

    def broken():
        raise ValueError("no such job 42")

    with pytest.raises(RuntimeError, match="(?s)second process failed.*no such job 42"):
        beside(broken, lambda: {})
    with pytest.raises(ValueError, match="here too"):
        beside(lambda: {}, lambda: (_ for _ in ()).throw(ValueError("here too")))


# --- the documented format -----------------------------------------------------


def test_counts_match_rows_and_every_documented_file_exists(export):
    root, counts, data = export
    expected = (
        {f"greenhouse/{s.name}.json" for s in GREENHOUSE}
        | {f"people/{s.name}.csv" for s in PEOPLE}
        | {f"lever/{name}.json" for name in LEVER_ENCODING}
    )
    assert set(counts) == expected
    for name, n in counts.items():
        key = f"lever_{Path(name).stem}" if name.startswith("lever/") else Path(name).stem
        assert len(data[key]) == n, name
    assert counts["greenhouse/applications.json"] + counts["lever/applications.json"] == N_APPS


def test_file_encodings_cover_array_json_lines_and_pages(export):
    root, counts, _ = export
    pages = json.loads((root / "greenhouse/applications.json").read_text())
    n = counts["greenhouse/applications.json"]
    assert [len(p) for p in pages] == [500] * (n // 500) + [n % 500]
    first_line = (root / "greenhouse/application_stages.json").read_text().splitlines()[0]
    assert isinstance(json.loads(first_line), dict)
    assert isinstance(json.loads((root / "greenhouse/jobs.json").read_text())[0], dict)


def test_lever_files_use_every_shape_lever_users_save(export):
    root, counts, _ = export
    lever = root / "lever"
    # one response page
    page = json.loads((lever / "postings.json").read_text())
    assert set(page) == {"data", "hasNext"} and page["hasNext"] is False
    # an array of pages, each but the last pointing at the next
    pages = json.loads((lever / "applications.json").read_text())
    assert [len(p["data"]) for p in pages][:-1] == [100] * (len(pages) - 1)
    assert all(p["hasNext"] and p["next"] for p in pages[:-1]) and not pages[-1]["hasNext"]
    assert sum(len(p["data"]) for p in pages) == counts["lever/applications.json"] > 100
    # JSON Lines of pages
    lines = (lever / "opportunities.json").read_text().splitlines()
    assert len(lines) > 1 and all(set(json.loads(x)) >= {"data", "hasNext"} for x in lines)
    # a plain array and JSON Lines of objects
    assert "id" in json.loads((lever / "feedback.json").read_text())[0]
    assert "id" in json.loads((lever / "interviews.json").read_text().splitlines()[0])


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
            elif f.type == "id":  # people files: a Greenhouse id or a Lever UUID
                assert re.fullmatch(r"\d+", value) or UUID.match(value), (spec.name, f.name)
            elif f.type == "int":
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

    # people rows about Greenhouse (Lever rows: test_people_lever_rows_point_at_lever_objects)
    def gh(name):
        return [r for r in d[name] if r["source_system"] == "greenhouse"]

    hired = {i for i, a in apps.items() if a["status"] == "hired"}
    employees = {e["employee_id"]: e for e in d["employees"]}
    assert {int(e["application_id"]) for e in gh("employees")} == hired
    for name in ("performance_reviews", "hiring_manager_surveys"):
        assert all(r["employee_id"] in employees for r in d[name])
    assert all(
        int(r["manager_user_id"]) in ids["users"]
        for r in d["hiring_manager_surveys"]
        if employees[r["employee_id"]]["source_system"] == "greenhouse"
    )
    assert all(int(r["application_id"]) in apps for r in gh("candidate_surveys"))
    emails = {u["primary_email_address"] for u in d["users"]} | {
        u["email"] for u in d["lever_users"]
    }
    assert all(r["user_email"] in emails for r in d["training_completions"])
    assert all(
        int(r["job_id"]) in ids["jobs"] for r in gh("intake_meetings") + gh("retrospectives")
    )
    assert all(
        int(r["interview_id"]) in ids["scheduled_interviews"] for r in gh("interview_talk_time")
    )
    assert all(int(r["opening_id"]) in openings for r in gh("retrospectives") if r["opening_id"])


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
    lever_stages = [s["text"] for s in d["lever_stages"]]
    assert lever_stages == [text for _, text, _ in LEVER_PIPELINE]
    assert all(f"`{name}`" in readme for name in lever_stages)
    assert all(f"`{text}`" in readme for text, _ in ARCHIVE_REASONS)


# --- shape of the company ------------------------------------------------------


def test_demo_has_the_edge_cases_loaders_and_metrics_must_handle(demo):
    d = load(demo)
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


# --- the acquired company on Lever ---------------------------------------------


def lever_ids(d: dict[str, list[dict]]) -> dict[str, set[str]]:
    return {
        name[6:]: {r["id"] for r in rows} for name, rows in d.items() if name.startswith("lever_")
    }


def test_lever_ids_are_uuids_and_no_object_is_in_both_atss(export):
    root, counts, d = export
    ids = lever_ids(d)
    every = [r["id"] for name, rows in d.items() if name.startswith("lever_") for r in rows]
    stage_ids = ids["stages"]
    assert all(UUID.match(i) for i in every if i not in stage_ids)
    assert {"lead-new", "applicant-new", "offer"} <= stage_ids  # Lever's built-in stages
    assert len(every) == len(set(every)), "a Lever id is used twice"
    # Greenhouse ids are integers; prefixed as the warehouse keys them, no key is shared
    gh_keys = {f"greenhouse:{r['id']}" for name in GREENHOUSE_OBJECTS for r in d[name]}
    assert gh_keys.isdisjoint({f"lever:{i}" for i in every})
    # each application, job, candidate and user lives in exactly one ATS
    assert len(d["applications"]) + len(d["lever_applications"]) == N_APPS
    assert {j["departments"][0]["name"] for j in d["jobs"]}.isdisjoint(LEVER_DEPARTMENTS)
    assert {p["categories"]["department"] for p in d["lever_postings"]} == LEVER_DEPARTMENTS
    assert {d_["name"] for d_ in d["departments"]}.isdisjoint(LEVER_DEPARTMENTS)
    gh_people = {u["primary_email_address"] for u in d["users"]}
    assert gh_people.isdisjoint(u["email"] for u in d["lever_users"])
    gh_candidates = {e["value"] for c in d["candidates"] for e in c["email_addresses"]}
    assert gh_candidates.isdisjoint(e for o in d["lever_opportunities"] for e in o["emails"])


GREENHOUSE_OBJECTS = ("applications", "candidates", "jobs", "users", "offers", "scorecards")


def test_lever_departments_hire_only_after_the_acquisition(export):
    _, _, d = export
    acquired = ACQUIRED_AT * 1000
    times = (
        [p["createdAt"] for p in d["lever_postings"]]
        + [r["createdAt"] for r in d["lever_requisitions"]]
        + [o["createdAt"] for o in d["lever_opportunities"]]
        + [c["updatedAt"] for o in d["lever_opportunities"] for c in o["stageChanges"]]
        + [a["createdAt"] for a in d["lever_applications"]]
        + [o["createdAt"] for o in d["lever_offers"]]
    )
    interviews = [i["date"] for i in d["lever_interviews"]]  # some are booked for later
    assert times and min(times + interviews) >= acquired
    end = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp() * 1000)
    assert max(times) < end
    greenhouse_times = [ts(j["created_at"]).timestamp() for j in d["jobs"]]
    assert min(greenhouse_times) < ACQUIRED_AT  # Greenhouse hired all along


def test_lever_objects_are_consistent(export):
    _, _, d = export
    ids = lever_ids(d)
    stage_index = {s["id"]: n for n, s in enumerate(d["lever_stages"])}
    reasons = {r["id"]: r for r in d["lever_archive_reasons"]}
    postings = {p["id"]: p for p in d["lever_postings"]}
    requisitions = {r["id"]: r for r in d["lever_requisitions"]}
    apps = {a["id"]: a for a in d["lever_applications"]}
    offers = defaultdict(list)
    for o in d["lever_offers"]:
        offers[o["opportunityId"]].append(o)
        assert o["posting"] in postings
        assert o["createdAt"] <= o["approvedAt"] <= o["sentAt"]
    hires_of_requisition = defaultdict(list)
    for opp in d["lever_opportunities"]:
        changes = opp["stageChanges"]
        assert changes and [c["updatedAt"] for c in changes] == sorted(
            c["updatedAt"] for c in changes
        )
        assert all(stage_index[c["toStageId"]] == c["toStageIndex"] for c in changes)
        assert opp["stage"] == changes[-1]["toStageId"]
        assert opp["lastAdvancedAt"] == changes[-1]["updatedAt"]
        assert all(c["userId"] is None or c["userId"] in ids["users"] for c in changes)
        (app_id,) = opp["applications"]
        app = apps[app_id]
        assert app["opportunityId"] == opp["id"] and app["createdAt"] == opp["createdAt"]
        assert app["archived"] == opp["archived"]
        assert app["posting"] in postings
        assert app["postingHiringManager"] == postings[app["posting"]]["hiringManager"]
        hired = (
            opp["archived"] is not None and reasons[opp["archived"]["reason"]]["status"] == "hired"
        )
        if opp["archived"]:
            assert opp["archived"]["archivedAt"] >= changes[-1]["updatedAt"]
        assert hired == (app["requisitionForHire"] is not None)
        signed = any(o["status"] == "signed" for o in offers[opp["id"]])
        # a hire signed its offer; a signed offer is a hire or not yet archived as one
        assert signed >= hired and (hired or not signed or opp["archived"] is None)
        if hired:
            req = requisitions[app["requisitionForHire"]["id"]]
            assert req["requisitionCode"] == app["requisitionForHire"]["requisitionCode"]
            assert app["posting"] in req["postings"]
            assert req["createdAt"] <= opp["archived"]["archivedAt"]
            assert changes[-1]["toStageId"] == "offer"
            hires_of_requisition[req["id"]].append(app_id)
    for req in requisitions.values():
        assert req["headcountTotal"] == 1
        assert req["headcountHired"] == len(hires_of_requisition[req["id"]]) <= 1
        assert all(
            req["requisitionCode"] in postings[p]["requisitionCodes"] for p in req["postings"]
        )
        if req["status"] == "open":
            assert req["headcountHired"] == 0
    forms = {}
    for iv in d["lever_interviews"]:
        assert iv["opportunityId"] in ids["opportunities"] and iv["stage"] in stage_index
        assert all(p["id"] in ids["users"] for p in iv["interviewers"])
        assert iv["duration"] > 0
        if iv["canceledAt"] is not None:  # a cancelled booking expects no feedback
            assert iv["createdAt"] <= iv["canceledAt"] <= iv["date"]
            assert iv["feedbackForms"] == []
        forms.update({f: iv for f in iv["feedbackForms"]})
    assert set(forms) == ids["feedback"]
    for fb in d["lever_feedback"]:
        iv = forms[fb["id"]]
        assert fb["interview"] == iv["id"] and fb["opportunityId"] == iv["opportunityId"]
        assert fb["user"] in {p["id"] for p in iv["interviewers"]}
        assert fb["completedAt"] > iv["date"]
    assert all(p["hiringManager"] in ids["users"] for p in postings.values())


def test_people_lever_rows_point_at_lever_objects(export):
    _, _, d = export
    ids = lever_ids(d)

    def lever(name):
        rows = [r for r in d[name] if r["source_system"] == "lever"]
        assert rows, name
        return rows

    reasons = {r["id"]: r["status"] for r in d["lever_archive_reasons"]}
    hired = {
        a["id"]
        for a in d["lever_applications"]
        if a["archived"] and reasons[a["archived"]["reason"]] == "hired"
    }
    employees = {e["employee_id"]: e for e in d["employees"]}
    # application_id: the Lever application id (not the opportunity id)
    assert {e["application_id"] for e in lever("employees")} == hired
    assert {r["application_id"] for r in lever("candidate_surveys")} <= ids["applications"]
    # job_id: the Lever posting id; opening_id: the Lever requisition id
    assert {r["job_id"] for r in lever("intake_meetings")} <= ids["postings"]
    retros = lever("retrospectives")
    assert {r["job_id"] for r in retros} <= ids["postings"]
    assert {r["opening_id"] for r in retros if r["opening_id"]} <= ids["requisitions"]
    # interview_id: the Lever interview id; user ids: Lever user ids
    talk = lever("interview_talk_time")
    assert {r["interview_id"] for r in talk} <= ids["interviews"]
    assert {r["user_id"] for r in talk if r["user_id"]} <= ids["users"]
    lever_surveys = [
        r
        for r in d["hiring_manager_surveys"]
        if employees[r["employee_id"]]["source_system"] == "lever"
    ]
    assert {r["manager_user_id"] for r in lever_surveys} <= ids["users"]
    lever_emails = {u["email"] for u in d["lever_users"]}
    assert any(r["user_email"] in lever_emails for r in d["training_completions"])


def test_demo_has_the_lever_edge_cases(demo):
    d = load(demo)
    reasons = {r["id"]: r["text"] for r in d["lever_archive_reasons"]}
    used = {reasons[o["archived"]["reason"]] for o in d["lever_opportunities"] if o["archived"]}
    assert {"Hired", "Withdrew", "Underqualified"} <= used
    assert any(o["archived"] is None for o in d["lever_opportunities"])
    assert any(o["origin"] == "sourced" for o in d["lever_opportunities"])
    assert {"open", "closed"} == {r["status"] for r in d["lever_requisitions"]}
    assert "signed" in {o["status"] for o in d["lever_offers"]}
    # both ATSs in the HR files
    assert {e["source_system"] for e in d["employees"]} == {"greenhouse", "lever"}


# --- the hand-made Lever export (tests/fixtures/lever_export) -------------------

LEVER_FIXTURE = REPO / "tests" / "fixtures" / "lever_export"


def utc_day(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()


def test_handmade_lever_export_holds_what_expected_md_computes_from():
    """The raw facts EXPECTED.md starts from, so a typo in the data cannot hide."""
    d = load(LEVER_FIXTURE)
    text = {p.stem: p.read_text() for p in (LEVER_FIXTURE / "lever").glob("*.json")}
    # every reader shape is used
    assert len(text["opportunities"].splitlines()) == 2  # JSON Lines of pages
    assert json.loads(text["applications"])[0]["hasNext"] is True  # array of pages
    assert json.loads(text["postings"])["hasNext"] is False  # one page
    assert "hasNext" not in json.loads(text["requisitions"])[0]  # plain array
    assert "status" in json.loads(text["archive_reasons"].splitlines()[0])  # JSON Lines of objects

    reasons = {r["id"]: r["text"] for r in d["lever_archive_reasons"]}
    apps = {a["id"][-1]: a for a in d["lever_applications"]}
    ended = {
        n: (reasons[a["archived"]["reason"]], utc_day(a["archived"]["archivedAt"]))
        for n, a in apps.items()
        if a["archived"]
    }
    assert {n: utc_day(a["createdAt"]) for n, a in apps.items()} == {
        "1": "2026-01-10",
        "2": "2026-02-02",
        "3": "2026-01-12",
        "4": "2026-02-03",
        "5": "2026-01-15",
        "6": "2026-03-02",
    }
    assert ended == {
        "1": ("Hired", "2026-02-13"),
        "2": ("Hired", "2026-03-09"),
        "3": ("Withdrew", "2026-01-21"),
        "4": ("Underqualified", "2026-02-05"),
        "5": ("Offer declined", "2026-02-20"),
    }
    requisitions = {r["requisitionCode"]: r for r in d["lever_requisitions"]}
    assert {c: (utc_day(r["createdAt"]), r["status"]) for c, r in requisitions.items()} == {
        "NW-0001": ("2026-01-05", "closed"),
        "NW-0002": ("2026-02-02", "open"),
    }
    assert apps["1"]["requisitionForHire"]["id"] == requisitions["NW-0001"]["id"]
    assert [apps[n]["requisitionForHire"] for n in "23456"] == [None] * 5
    assert {o["opportunityId"][-1]: o["status"] for o in d["lever_offers"]} == {
        "1": "signed",
        "2": "signed",
        "5": "denied",
        "6": "sent",
    }
    employees = {e["application_id"] for e in d["employees"]}
    assert employees == {apps["1"]["id"], apps["2"]["id"]}


def test_a_lever_contact_is_one_person_across_opportunities(export):
    _, _, d = export
    people = defaultdict(set)
    for o in d["lever_opportunities"]:
        people[o["contact"]].add((o["name"], tuple(o["emails"])))
    assert all(len(v) == 1 for v in people.values())
    assert len(people) < len(d["lever_opportunities"])  # someone applied twice


# --- the story the demo tells (computed from the files, as the marts define it) ---
# docs/metrics.md: practiced = licensed at open and intake on time; the demo's effects
# are drawn to be believable, so they are checked with tolerances.

import statistics  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from scipy.stats import fisher_exact  # noqa: E402

LICENSE, VALID_DAYS, INTAKE_SLA, SCORECARD_SLA_H, TALK_FLAG = "license_to_hire", 730, 5, 24, 0.5
STAGE_ORDER = {
    "Application Review": 0,
    "Preliminary Phone Screen": 1,
    "Recruiter Screen": 1,
    "Phone Interview": 2,
    "Hiring Manager Screen": 2,
    "Take Home Assignment": 3,
    "Technical Interview": 3,
    "Face to Face": 4,
    "Onsite": 4,
    "Panel Interview": 4,
    "Executive Interview": 4,
    "Reference Check": 4,
    "Offer": 5,
}


def _utc(text):
    return ts(text).astimezone(UTC)


def ms(v):
    return datetime.fromtimestamp(v / 1000, UTC)


def _lever(path):
    text = path.read_text(encoding="utf-8")
    try:
        values = [json.loads(text)]
    except json.JSONDecodeError:
        values = [json.loads(x) for x in text.splitlines() if x.strip()]
    if len(values) == 1 and isinstance(values[0], list):
        values = values[0]
    rows = []
    for v in values:
        rows += v["data"] if isinstance(v, dict) and set(v) <= {"data", "hasNext", "next"} else [v]
    return rows


def _gh(root, name):
    text = (root / "greenhouse" / f"{name}.json").read_text()
    try:
        v = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(x) for x in text.splitlines() if x.strip()]
    if v and isinstance(v[0], list):
        return [r for page in v for r in page]
    return v


def _csv(root, name):
    with (root / "people" / f"{name}.csv").open(newline="") as h:
        return [{k: (v or None) for k, v in r.items()} for r in csv.DictReader(h)]


def nps(scores):
    return 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


def demo_story(root: Path) -> dict:
    root = Path(root)
    gh = {
        n: _gh(root, n)
        for n in (
            "jobs",
            "users",
            "offers",
            "scheduled_interviews",
            "scorecards",
            "applications",
            "application_stages",
            "demographics",
        )
    }
    lv = {p.stem: _lever(p) for p in (root / "lever").glob("*.json")}
    people = {p.stem: _csv(root, p.stem) for p in (root / "people").glob("*.csv")}
    email = {("greenhouse", str(u["id"])): u["primary_email_address"] for u in gh["users"]}
    email |= {("lever", u["id"]): u["email"] for u in lv["users"]}
    licence = defaultdict(list)
    for r in people["training_completions"]:
        if r["course_code"] == LICENSE:
            licence[r["user_email"]].append(_utc(r["completed_at"]).date())
    intake = defaultdict(list)
    for r in people["intake_meetings"]:
        intake[(r["source_system"], r["job_id"])].append(_utc(r["held_at"]).date())
    # jobs: (system, id) -> opened date, manager key, evergreen
    jobs = {}
    for j in gh["jobs"]:
        if j["opened_at"]:
            jobs[("greenhouse", str(j["id"]))] = dict(
                opened=_utc(j["opened_at"]).date(),
                evergreen=j["custom_fields"]["evergreen"],
                manager=("greenhouse", str(j["hiring_team"]["hiring_managers"][0]["id"])),
                dept=j["departments"][0]["name"],
            )
    for p in lv["postings"]:
        jobs[("lever", p["id"])] = dict(
            opened=ms(p["createdAt"]).date(),
            evergreen=False,
            manager=("lever", p["hiringManager"]),
            dept=p["categories"]["department"],
        )
    app_job = {
        ("greenhouse", str(a["id"])): ("greenhouse", str(a["jobs"][0]["id"]))
        for a in gh["applications"]
        if a["jobs"]
    }
    app_job |= {("lever", a["id"]): ("lever", a["posting"]) for a in lv["applications"]}
    first_iv = {}
    iv_job = {}
    for iv in gh["scheduled_interviews"]:
        job = app_job[("greenhouse", str(iv["application_id"]))]
        iv_job[("greenhouse", str(iv["id"]))] = job
        first_iv[job] = min(first_iv.get(job, date.max), _utc(iv["start"]["date_time"]).date())
    for iv in lv["interviews"]:
        job = ("lever", iv["postings"][0])
        iv_job[("lever", iv["id"])] = job
        if iv["canceledAt"] is None:
            first_iv[job] = min(first_iv.get(job, date.max), ms(iv["date"]).date())
    for key, j in jobs.items():
        opened = j["opened"]
        j["licensed"] = any(
            d <= opened < d + timedelta(VALID_DAYS) for d in licence[email[j["manager"]]]
        )
        j["intake"] = any(
            0 <= (d - opened).days <= INTAKE_SLA and d < first_iv.get(key, date.max)
            for d in intake[key]
        )
    # manager talk share per interview -> per job median
    talk = defaultdict(lambda: [0, 0])
    for r in people["interview_talk_time"]:
        t = talk[(r["source_system"], r["interview_id"])]
        t[0] += int(r["talk_seconds"]) * (r["participant_role"] == "hiring_manager")
        t[1] += int(r["talk_seconds"])
    hm_share = defaultdict(list)
    for key, (m, total) in talk.items():
        # only interviews the hiring manager took part in
        if m > 0 and total > 0:
            hm_share[jobs[iv_job[key]]["manager"]].append(m / total)
    mgr_talk = {m: statistics.median(v) for m, v in hm_share.items()}
    for j in jobs.values():
        j["talker"] = mgr_talk.get(j["manager"], 0) > TALK_FLAG
    # openings: (job, opened, fill date, filler application)
    accepted = {o["opening"]["id"]: o for o in gh["offers"] if o["status"] == "accepted"}
    openings = []
    for j in gh["jobs"]:
        key = ("greenhouse", str(j["id"]))
        if key not in jobs or j["custom_fields"]["evergreen"]:
            continue
        for o in j["openings"]:
            if o["application_id"] is None or o["id"] not in accepted:
                continue
            openings.append(
                dict(
                    id=("greenhouse", o["id"]),
                    job=key,
                    opened=_utc(o["opened_at"] or j["opened_at"]).date(),
                    filled=_utc(accepted[o["id"]]["resolved_at"]).date(),
                    app=("greenhouse", str(o["application_id"])),
                )
            )
    reqs = {r["id"]: r for r in lv["requisitions"]}
    hire_reason = {r["id"] for r in lv["archive_reasons"] if r["status"] == "hired"}
    for a in lv["applications"]:
        if a["requisitionForHire"] and a["archived"] and a["archived"]["reason"] in hire_reason:
            r = reqs[a["requisitionForHire"]["id"]]
            openings.append(
                dict(
                    id=("lever", r["id"]),
                    job=("lever", r["postings"][0]),
                    opened=ms(r["createdAt"]).date(),
                    filled=ms(a["archived"]["archivedAt"]).date(),
                    app=("lever", a["id"]),
                )
            )
    # quality of hire per hire application
    as_of = date(2026, 10, 31)
    reviews = defaultdict(list)
    for r in people["performance_reviews"]:
        reviews[r["employee_id"]].append(r)
    hm_rating = {r["employee_id"]: int(r["rating"]) for r in people["hiring_manager_surveys"]}
    qoh = {}
    for e in people["employees"]:
        start = date.fromisoformat(e["start_date"])
        parts = []
        perf = [
            r
            for r in sorted(reviews[e["employee_id"]], key=lambda r: r["review_date"])
            if 90 <= (date.fromisoformat(r["review_date"]) - start).days <= 400
        ]
        if perf:
            r = perf[0]
            lo, hi = int(r["scale_min"]), int(r["scale_max"])
            parts.append((0.4, (int(r["rating"]) - lo) / (hi - lo) * 100))
        end = date.fromisoformat(e["termination_date"]) if e["termination_date"] else None
        if end is not None and end < start + timedelta(365):
            parts.append((0.3, 0.0))
        elif start + timedelta(365) <= as_of:
            parts.append((0.3, 100.0))
        if e["employee_id"] in hm_rating:
            parts.append((0.3, (hm_rating[e["employee_id"]] - 1) / 4 * 100))
        if len(parts) >= 2:
            qoh[(e["source_system"], e["application_id"])] = sum(w * v for w, v in parts) / sum(
                w for w, _ in parts
            )
    arms = {True: [], False: []}
    for o in openings:
        j = jobs[o["job"]]
        o["days"] = (o["filled"] - o["opened"]).days
        o["qoh"] = qoh.get(o["app"])
        arms[j["licensed"] and j["intake"]].append(o)

    def compare(pred):
        yes = [o for o in openings if pred(jobs[o["job"]])]
        no = [o for o in openings if not pred(jobs[o["job"]])]

        def sta_utc(group):
            q = [o["qoh"] for o in group if o["qoh"] is not None]
            return dict(
                n=len(group),
                median_days=statistics.median(o["days"] for o in group) if group else None,
                qoh=statistics.mean(q) if q else None,
                n_qoh=len(q),
            )

        a, b = sta_utc(yes), sta_utc(no)
        return dict(
            yes=a,
            no=b,
            faster=1 - a["median_days"] / b["median_days"] if a["n"] and b["n"] else None,
            qoh_diff=a["qoh"] - b["qoh"] if a["qoh"] is not None and b["qoh"] is not None else None,
        )

    # retrospective for the manager's previous fill (within 30 days of its fill)
    retro = defaultdict(list)
    for r in people["retrospectives"]:
        if r["opening_id"]:
            retro[(r["source_system"], r["opening_id"])].append(_utc(r["held_at"]).date())
    by_mgr = defaultdict(list)
    for o in openings:
        by_mgr[jobs[o["job"]]["manager"]].append(o)
    for fills in by_mgr.values():
        fills.sort(key=lambda o: (o["filled"], o["id"]))
        prev = None
        for o in fills:
            o["retro_prev"] = prev is not None and any(
                0 <= (d - prev["filled"]).days <= 30
                for d in retro[(prev["id"][0], str(prev["id"][1]))]
            )
            prev = o
    ret_yes = [o for o in openings if o["retro_prev"]]
    ret_no = [o for o in openings if not o["retro_prev"]]

    effects = {
        "practiced": compare(lambda j: j["licensed"] and j["intake"]),
        "licensed": compare(lambda j: j["licensed"]),
        "intake": compare(lambda j: j["intake"]),
        "talk_le_flag": compare(lambda j: not j["talker"]),
        "retro_prev": dict(
            yes_median=statistics.median(o["days"] for o in ret_yes) if ret_yes else None,
            no_median=statistics.median(o["days"] for o in ret_no),
            n_yes=len(ret_yes),
            n_no=len(ret_no),
        ),
    }
    if ret_yes:
        effects["retro_prev"]["faster"] = (
            1 - effects["retro_prev"]["yes_median"] / effects["retro_prev"]["no_median"]
        )
    # candidate NPS by the manager's talk share
    scores = {True: [], False: []}
    for r in people["candidate_surveys"]:
        if r["score"] is None:
            continue
        job = app_job.get((r["source_system"], r["application_id"]))
        if job:
            scores[jobs[job]["talker"]].append(int(r["score"]))
    # scorecards on time (Greenhouse: expected = interviewers of interviews that ended)
    submitted = {c["id"]: _utc(c["submitted_at"]) for c in gh["scorecards"]}
    as_of_ts = datetime(2026, 11, 1, tzinfo=UTC)
    late_by = defaultdict(lambda: [0, 0])
    for iv in gh["scheduled_interviews"]:
        end = _utc(iv["end"]["date_time"])
        if iv["status"] == "scheduled":
            continue
        for p in iv["interviewers"]:
            due = end + timedelta(hours=SCORECARD_SLA_H)
            got = submitted.get(p["scorecard_id"])
            late = (got > due) if got else due < as_of_ts
            late_by[("greenhouse", str(p["id"]))][0] += late
            late_by[("greenhouse", str(p["id"]))][1] += 1
    fb = {(f["interview"], f["user"]): ms(f["completedAt"]) for f in lv["feedback"]}
    cancelled = 0
    for iv in lv["interviews"]:
        if iv["canceledAt"] is not None:
            cancelled += 1
            continue
        end = ms(iv["date"]) + timedelta(minutes=iv["duration"])
        due = end + timedelta(hours=SCORECARD_SLA_H)
        if end >= as_of_ts:
            continue
        for p in iv["interviewers"]:
            got = fb.get((iv["id"], p["id"]))
            late = (got > due) if got else due < as_of_ts
            late_by[("lever", p["id"])][0] += late
            late_by[("lever", p["id"])][1] += 1
    late_n = sum(v[0] for v in late_by.values())
    exp_n = sum(v[1] for v in late_by.values())
    rates = sorted(v[0] / v[1] for v in late_by.values() if v[1] >= 10)
    # fairness: pass-through per self-identified group per stage (Greenhouse)
    apps = {a["id"]: a for a in gh["applications"]}
    stays = defaultdict(list)
    for s in gh["application_stages"]:
        stays[s["application_id"]].append(STAGE_ORDER[s["stage_name"]])
    flags, small = [], []
    for field in ("race", "gender"):
        group = {}
        for d in gh["demographics"]:
            v = d[field]
            group[d["application_id"]] = v["description"] if v else "(not answered)"
        for stage in range(5):
            counts = defaultdict(lambda: [0, 0])
            for app_id, g in group.items():
                a, seen = apps[app_id], stays.get(app_id, [])
                if stage not in seen:
                    continue
                if max(seen) > stage or a["status"] == "hired":
                    counts[g][0] += 1
                    counts[g][1] += 1
                elif a["status"] == "rejected":
                    counts[g][1] += 1
            rate = {g: p / t for g, (p, t) in counts.items() if t}
            top = max(rate.values())
            best = max(rate, key=lambda g: (rate[g], counts[g][1]))
            for g, (p, t) in counts.items():
                if t < 5:
                    small.append((field, stage, g, t))
                if g == "(not answered)" or "Decline" in g or t == 0:
                    continue
                ratio = rate[g] / top
                if ratio < 0.8:
                    bp, bt = counts[best]
                    _, pval = fisher_exact([[p, t - p], [bp, bt - bp]])
                    flags.append(
                        dict(field=field, stage=stage, group=g, n=t, ratio=round(ratio, 3), p=pval)
                    )
    return dict(
        arms={k: len(v) for k, v in arms.items()},
        effects=effects,
        nps={k: (nps(v) if v else None, len(v)) for k, v in scores.items()},
        late_share=late_n / exp_n,
        late_rates_q=(rates[len(rates) // 10], rates[len(rates) // 2], rates[-len(rates) // 10])
        if rates
        else None,
        cancelled=cancelled,
        flags=flags,
        small=len(small),
    )


@pytest.fixture(scope="module")
def demo_story_demo(demo):
    return demo_story(demo)


@pytest.fixture(scope="module")
def demo_story_20000(tmp_path_factory):
    root = tmp_path_factory.mktemp("export20k")
    generate_export(root, applications=20000, seed=7)
    return demo_story(root)


def test_demo_program_effect_has_enough_openings_in_each_arm(demo_story_demo):
    assert min(demo_story_demo["arms"].values()) >= 10


# recomputed from the files (Greenhouse openings with an accepted offer, Lever hires),
# which is close to, not the same as, the marts' units: the demo's marts show 18%
@pytest.mark.parametrize("size, at_least", [("demo", 0.1), ("20000", 0.15)])
def test_practiced_openings_fill_faster(size, at_least, request):
    effects = request.getfixturevalue(f"demo_story_{size}")["effects"]
    assert at_least <= effects["practiced"]["faster"] <= 0.4
    assert effects["licensed"]["faster"] > 0.1
    assert effects["intake"]["faster"] > 0.05
    assert effects["retro_prev"]["faster"] > 0.05


@pytest.mark.parametrize("size", ["demo", "20000"])
def test_talkative_managers_candidates_score_lower(size, request):
    story = request.getfixturevalue(f"demo_story_{size}")
    (talker, n_talker), (other, n_other) = story["nps"][True], story["nps"][False]
    assert n_talker > 100 and n_other > 100
    assert 15 <= other - talker <= 35


@pytest.mark.parametrize("size", ["demo", "20000"])
def test_some_scorecards_are_late_more_for_some_interviewers(size, request):
    story = request.getfixturevalue(f"demo_story_{size}")
    assert 0.05 <= story["late_share"] <= 0.30
    low, _, high = story["late_rates_q"]
    assert high - low > 0.3


def test_demo_has_cancelled_lever_interviews(demo_story_demo):
    assert demo_story_demo["cancelled"] > 0


@pytest.mark.parametrize("size", ["demo", "20000"])
def test_the_planted_fairness_flag_is_found(size, request):
    # the demo is big enough for the screen's impact ratio to cross the four-fifths
    # line with a small p-value (seeds/README.md)
    story = request.getfixturevalue(f"demo_story_{size}")
    (flag,) = [
        f for f in story["flags"] if (f["field"], f["group"], f["stage"]) == ("gender", "Female", 0)
    ]
    assert flag["ratio"] < 0.8 and flag["p"] < 0.05


def test_demo_has_a_cut_under_the_minimum_group_size(demo_story_demo):
    assert demo_story_demo["small"] > 0
