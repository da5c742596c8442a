"""Whether a refresh would change anything: the export, the project and the options.

A refresh is a function of the export folder's files, the project's code (dbt
models, macros, seeds and the Python steps), the options (as-of date, engine)
and the pseudonymization salt. After a refresh publishes, `record` stores their
fingerprint beside the published snapshot; the next refresh with the same
fingerprint has nothing to do and stops in well under a second, before Dagster,
dbt or the warehouse are even opened.

Files are compared by path, size and modification time (as make and rsync do):
a file copied over with new times counts as changed, and the full refresh that
follows loads nothing from it (ingest compares contents) but rebuilds the marts.
The published snapshot's own size and time are part of it, so a snapshot that
was replaced or removed since is always rebuilt.

Light on purpose: standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from orchestration.locations import PROJECT_ROOT, PUBLISHED_FILE

STATE_FILE = ".last-refresh.json"  # inside the warehouse folder
VERSION = 1  # bump when what the fingerprint covers changes

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


@dataclass(frozen=True)
class Inputs:
    """Everything a refresh's result depends on, as hashes (no names, no salt)."""

    exports: str
    project: str
    options: str

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
        return cls(
            exports=export_fingerprint(exports_dir),
            project=project_fingerprint(),
            options=hashlib.sha256(options.encode()).hexdigest(),
        )


@dataclass(frozen=True)
class LastRefresh:
    finished_at: str  # UTC, ISO 8601
    as_of_date: str | None
    files: int


def unchanged_since(warehouse_dir: Path, inputs: Inputs) -> LastRefresh | None:
    """The last published refresh, when it was made from exactly these inputs."""
    try:
        state = json.loads((warehouse_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if state.get("version") != VERSION:
        return None
    if state.get("inputs") != inputs.__dict__:
        return None
    if state.get("published") != _published_stamp(warehouse_dir):
        return None
    return LastRefresh(state["finished_at"], state.get("as_of_date"), state.get("files", 0))


def record(
    warehouse_dir: Path, inputs: Inputs, finished_at: str, as_of_date: str | None, files: int
) -> None:
    """After a publish: what the snapshot was built from (written atomically)."""
    state = {
        "version": VERSION,
        "inputs": inputs.__dict__,
        "published": _published_stamp(warehouse_dir),
        "finished_at": finished_at,
        "as_of_date": as_of_date,
        "files": files,
    }
    path = warehouse_dir / STATE_FILE
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(state, indent=2) + "\n")
    os.replace(partial, path)
