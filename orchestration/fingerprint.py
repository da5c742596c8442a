"""Whether a refresh would change anything: the export, the project and the options.

A refresh is a function of the export folder's files, the project's code (dbt
models, macros, seeds and the Python steps), the options (as-of date, engine)
and the pseudonymization salt. After a refresh publishes, `record` stores their
fingerprint beside the published snapshot; the next refresh with the same
fingerprint has nothing to do and stops in well under a second, before Dagster,
dbt or the warehouse are even opened.

Export files are compared by path, size and modification time (as make and
rsync do); a file whose time changed but whose size did not is then compared by
content (SHA-256), so an export copied back or downloaded again with the same
bytes is still "nothing changed". The published snapshot's own size and time
are part of it, so a snapshot that was replaced or removed since is rebuilt.

Light on purpose: standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.locations import PROJECT_ROOT, PUBLISHED_FILE

STATE_FILE = ".last-refresh.json"  # inside the warehouse folder
VERSION = 2  # bump when what the fingerprint covers changes
# recorded instead of a hash when a file changed while the refresh read it
CHANGED_DURING_REFRESH = "changed during the refresh"

# What the warehouse is built from, besides the export: a change here rebuilds.
PROJECT_INPUTS = (
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
    "dbt_project/tests",
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
    "orchestration",
)


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    )


def _stat_lines(files: list[Path], base: Path) -> list[str]:
    lines = []
    for path in files:
        stat = path.stat()
        lines.append(f"{path.relative_to(base).as_posix()}|{stat.st_size}|{stat.st_mtime_ns}")
    return lines


def export_files(exports_dir: Path) -> list[Path]:
    return _files(exports_dir)


def export_fingerprint(exports_dir: Path) -> str:
    """Path, size and modification time of every file in the export folder, hashed."""
    lines = _stat_lines(export_files(exports_dir), exports_dir)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def project_fingerprint() -> str:
    lines: list[str] = []
    for name in PROJECT_INPUTS:
        path = PROJECT_ROOT / name
        if path.exists():
            lines += _stat_lines(_files(path), PROJECT_ROOT)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _published_stamp(warehouse_dir: Path) -> str | None:
    published = warehouse_dir / PUBLISHED_FILE
    if not published.is_file():
        return None
    stat = published.stat()
    return f"{stat.st_size}|{stat.st_mtime_ns}"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (ingest records the same hash per file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """Everything a refresh's result depends on: export file stats, and hashes of the rest."""

    exports_dir: Path
    files: dict[str, tuple[int, int]]  # export path -> (size, mtime_ns)
    project: str
    options: str  # as-of, engine, export folder, salt: hashed together (no salt stored)

    @classmethod
    def of(cls, exports_dir: Path, as_of: str | None, engine: str, salt: str) -> Inputs:
        options = json.dumps(
            {
                "exports_dir": str(exports_dir.resolve()),
                "as_of": as_of,
                "engine": engine,
                # a new salt gives every candidate new pseudonyms: a rebuild
                "salt": hashlib.sha256(salt.encode()).hexdigest(),
            },
            sort_keys=True,
        )
        files = {}
        for path in export_files(exports_dir):
            stat = path.stat()
            files[path.relative_to(exports_dir).as_posix()] = (stat.st_size, stat.st_mtime_ns)
        return cls(
            exports_dir=exports_dir,
            files=files,
            project=project_fingerprint(),
            options=hashlib.sha256(options.encode()).hexdigest(),
        )

    def content_hashes(self, known: dict[str, list], ingested: dict[str, str]) -> dict[str, list]:
        """[size, mtime_ns, sha256] per file.

        The hash is the last state's where size and time match, else the one ingest
        took as it read the file (what the snapshot holds), else computed here.
        """
        hashes = {}
        for name, (size, mtime) in self.files.items():
            if recorded := _recorded_hash(known.get(name), size, mtime):
                hashes[name] = [size, mtime, recorded]
            elif name in ingested:
                hashes[name] = [size, mtime, ingested[name]]
            else:
                path = self.exports_dir / name
                digest = file_sha256(path)
                stat = path.stat()
                # changed since the refresh read it: the snapshot holds older bytes
                same = (stat.st_size, stat.st_mtime_ns) == (size, mtime)
                hashes[name] = [size, mtime, digest if same else CHANGED_DURING_REFRESH]
        return hashes


@dataclass(frozen=True)
class LastRefresh:
    finished_at: str  # UTC, ISO 8601
    as_of_date: str | None
    files: int


def _read_state(warehouse_dir: Path) -> dict:
    try:
        state = json.loads((warehouse_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == VERSION else {}


def _recorded_hash(before: list | None, size: int, mtime_ns: int) -> str | None:
    """The hash a state recorded for a file whose size and modification time still
    match: the one trust every check here gives a recorded file."""
    if before and before[:2] == [size, mtime_ns] and before[2] != CHANGED_DURING_REFRESH:
        return before[2]
    return None


def _same_files(inputs: Inputs, known: dict[str, list]) -> bool:
    if set(known) != set(inputs.files):
        return False
    for name, (size, mtime) in inputs.files.items():
        before = known[name]
        if before[0] != size:
            return False
        if _recorded_hash(before, size, mtime) is None and (
            file_sha256(inputs.exports_dir / name) != before[2]
        ):
            return False
    return True


def unchanged_since(warehouse_dir: Path, inputs: Inputs) -> LastRefresh | None:
    """The last published refresh, when it was made from exactly these inputs.

    When only files' times moved, the state takes the new times, so the next
    check compares no content.
    """
    state = _read_state(warehouse_dir)
    if (
        not state
        or state.get("project") != inputs.project
        or state.get("options") != inputs.options
    ):
        return None
    if state.get("published") != _published_stamp(warehouse_dir):
        return None
    known = state.get("files") or {}
    if not _same_files(inputs, known):
        return None
    last = LastRefresh(state["finished_at"], state.get("as_of_date"), len(known))
    if any(known[name][:2] != list(stat) for name, stat in inputs.files.items()):
        record(warehouse_dir, inputs, last.finished_at, last.as_of_date)
    return last


def record(
    warehouse_dir: Path,
    inputs: Inputs,
    finished_at: str,
    as_of_date: str | None,
    ingested: dict[str, str] | None = None,
) -> None:
    """After a publish: what the snapshot was built from (written atomically).

    `ingested`: export path -> SHA-256 of the files ingest read, so that a large
    export is not read a second time to hash it.
    """
    known = _read_state(warehouse_dir).get("files") or {}
    state = {
        "version": VERSION,
        "project": inputs.project,
        "options": inputs.options,
        "exports": _folder_id(inputs.exports_dir),
        "files": inputs.content_hashes(known, ingested or {}),
        "published": _published_stamp(warehouse_dir),
        "finished_at": finished_at,
        "as_of_date": as_of_date,
    }
    path = warehouse_dir / STATE_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(partial, path)


def _folder_id(exports_dir: Path) -> str:
    """Which export folder the recorded files are in, hashed: the path is not stored."""
    return hashlib.sha256(str(exports_dir.resolve()).encode()).hexdigest()


def recorded_sha256(warehouse_dir: Path, exports_dir: Path) -> Callable[[Path], str]:
    """`file_sha256` for ingest, taking the last refresh's hash of a file whose size
    and modification time it recorded, the trust the no-change check already gives.

    A week's delta files beside a 1M export's unchanged snapshots: ingest hashed
    the 2 GB of snapshots again (about 20 s) only to find them unchanged.
    """
    state = _read_state(warehouse_dir)
    known = state.get("files") or {} if state.get("exports") == _folder_id(exports_dir) else {}
    root = exports_dir.resolve()

    def sha256(path: Path) -> str:
        stat = path.stat()
        try:
            before = known.get(path.resolve().relative_to(root).as_posix())
        except ValueError:  # not in the export folder
            before = None
        return _recorded_hash(before, stat.st_size, stat.st_mtime_ns) or file_sha256(path)

    return sha256
