"""What makes a refresh "nothing changed": every input it depends on, and the snapshot."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from orchestration import fingerprint
from orchestration.fingerprint import Inputs


@pytest.fixture
def export(tmp_path) -> Path:
    root = tmp_path / "export"
    (root / "greenhouse").mkdir(parents=True)
    (root / "greenhouse" / "jobs.json").write_text("[]")
    (root / "people.csv").write_text("a,b\n")
    return root


@pytest.fixture
def warehouse(tmp_path) -> Path:
    root = tmp_path / "wh"
    root.mkdir()
    (root / "published.duckdb").write_bytes(b"snapshot")
    return root


def inputs(export: Path, as_of=None, engine="duckdb", salt="s") -> Inputs:
    return Inputs.of(export, as_of, engine, salt)


def recorded(warehouse: Path, export: Path) -> Inputs:
    first = inputs(export)
    fingerprint.record(warehouse, first, "2026-11-26T10:00:00+00:00", "2026-11-20")
    return first


def test_the_same_inputs_and_snapshot_are_unchanged(warehouse, export):
    recorded(warehouse, export)
    last = fingerprint.unchanged_since(warehouse, inputs(export))
    assert last == fingerprint.LastRefresh("2026-11-26T10:00:00+00:00", "2026-11-20", 2)
    state = json.loads((warehouse / fingerprint.STATE_FILE).read_text())
    assert state["files"]["people.csv"][2] == hashlib.sha256(b"a,b\n").hexdigest()


@pytest.mark.parametrize(
    "other",
    [
        {"as_of": "2026-01-01"},
        {"engine": "spark"},
        {"salt": "a new secret"},
    ],
)
def test_another_option_is_a_change(warehouse, export, other):
    recorded(warehouse, export)
    assert fingerprint.unchanged_since(warehouse, inputs(export, **other)) is None


def touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def test_an_edited_added_or_removed_export_file_is_a_change(warehouse, export):
    recorded(warehouse, export)
    jobs = export / "greenhouse" / "jobs.json"
    jobs.write_text("[1]")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None

    recorded(warehouse, export)
    jobs.write_text("[2]")  # same size, new bytes
    touch(jobs)
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None

    recorded(warehouse, export)
    (export / "greenhouse" / "offers.json").write_text("[]")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None

    recorded(warehouse, export)
    (export / "people.csv").unlink()
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None


def test_the_same_bytes_with_new_times_are_unchanged_and_compared_once(
    warehouse, export, monkeypatch
):
    recorded(warehouse, export)
    touch(export / "people.csv")  # copied back, downloaded again
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is not None

    hashed = []
    monkeypatch.setattr(fingerprint, "file_sha256", lambda path: hashed.append(path) or "")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is not None
    assert hashed == []  # the state took the new times


def test_hidden_files_in_the_export_are_not_a_change(warehouse, export):
    recorded(warehouse, export)
    (export / ".DS_Store").write_bytes(b"finder")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is not None


def test_a_replaced_or_removed_snapshot_is_a_change(warehouse, export):
    recorded(warehouse, export)
    (warehouse / "published.duckdb").write_bytes(b"another snapshot")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None

    recorded(warehouse, export)
    (warehouse / "published.duckdb").unlink()
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None


def test_a_changed_project_file_is_a_change(warehouse, export, monkeypatch, tmp_path):
    project = tmp_path / "project"
    (project / "dbt_project" / "models").mkdir(parents=True)
    model = project / "dbt_project" / "models" / "m.sql"
    model.write_text("select 1")
    monkeypatch.setattr(fingerprint, "PROJECT_ROOT", project)
    recorded(warehouse, export)
    model.write_text("select 2 as changed")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None


def test_no_or_unreadable_state_is_a_change(warehouse, export):
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None
    (warehouse / fingerprint.STATE_FILE).write_text("{not json")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None


def test_the_state_holds_neither_the_salt_nor_the_export_folder(warehouse, export):
    recorded(warehouse, export)
    text = (warehouse / fingerprint.STATE_FILE).read_text()
    assert str(export) not in text and '"s"' not in text  # file names, sizes, hashes


def test_a_file_changed_during_the_refresh_is_compared_again_next_time(warehouse, export):
    before = inputs(export)  # what the refresh read
    people = export / "people.csv"
    people.write_text("a,c\n")  # same size, edited while the refresh ran
    touch(people)
    fingerprint.record(warehouse, before, "2026-11-26T10:00:00+00:00", "2026-11-20")
    assert fingerprint.unchanged_since(warehouse, inputs(export)) is None


def test_the_hashes_ingest_took_are_reused(warehouse, export, monkeypatch):
    monkeypatch.setattr(fingerprint, "file_sha256", lambda path: pytest.fail(f"hashed {path}"))
    ingested = {"greenhouse/jobs.json": "h1", "people.csv": "h2"}
    fingerprint.record(warehouse, inputs(export), "2026-11-26T10:00:00+00:00", None, ingested)
    state = json.loads((warehouse / fingerprint.STATE_FILE).read_text())
    assert {name: entry[2] for name, entry in state["files"].items()} == ingested


def test_ingest_takes_the_recorded_hash_of_a_file_with_the_same_size_and_time(
    warehouse, export, tmp_path
):
    recorded(warehouse, export)
    people = export / "people.csv"
    stat = people.stat()
    people.write_text("a,c\n")  # same size; the time put back: trusted as unchanged
    os.utime(people, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    sha256 = fingerprint.recorded_sha256(warehouse, export)
    assert sha256(people) == hashlib.sha256(b"a,b\n").hexdigest()

    touch(people)  # a new time: hashed again
    assert sha256(people) == hashlib.sha256(b"a,c\n").hexdigest()
    new = export / "greenhouse" / "users.json"
    new.write_text("[1]")  # not recorded: hashed
    assert sha256(new) == hashlib.sha256(b"[1]").hexdigest()

    elsewhere = tmp_path / "copy"  # another export folder: nothing recorded is trusted
    (elsewhere / "greenhouse").mkdir(parents=True)
    copied = elsewhere / "greenhouse" / "jobs.json"
    copied.write_text("{}")  # the size of jobs.json's "[]"
    os.utime(copied, ns=((export / "greenhouse" / "jobs.json").stat().st_mtime_ns,) * 2)
    assert fingerprint.recorded_sha256(warehouse, elsewhere)(copied) == (
        hashlib.sha256(b"{}").hexdigest()
    )
