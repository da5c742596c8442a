"""The source adapters: where each source's files live and how they are read.

An adapter is a folder in the export, the specs of the tables it holds, and a
reader that turns one file into records. The Greenhouse adapter reads Harvest
JSON (array, JSON Lines or paged); the people loader reads documented CSVs.
A new ATS is a new entry here plus its specs and staging models. Every file of
an entity is a full snapshot, except `<entity>.delta*` files (loader.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.readers import (
    ExportFileError,
    FileContent,
    read_csv_batches,
    read_json_batches,
)
from orchestration.ingest.specs import ATS_CSV, GREENHOUSE, LEVER, PEOPLE, EntitySpec

# (path, display name, spec, stream, records per batch or None for the readers')
# -> the file's records, in batches when it is large
Reader = Callable[[Path, str, EntitySpec, bool, int | None], Iterator[FileContent]]


@dataclass(frozen=True)
class Source:
    name: str
    folder: str
    specs: tuple[EntitySpec, ...]
    read: Reader
    description: str
    ats: bool = True  # holds applications (people/ does not)

    def in_export(self, export_dir: Path) -> bool:
        """The export has this source's folder (a company leaves out what it does not use)."""
        return (export_dir / self.folder).is_dir()

    def find_files(self, export_dir: Path, spec: EntitySpec) -> tuple[Path | None, list[Path]]:
        """The entity's full snapshot file, and its delta files in name order.

        `applications.json` (or `.jsonl`) is the snapshot; `applications.delta*.json`
        (e.g. `applications.delta-2026-11-20.jsonl`) are deltas. Each may also be
        gzip-compressed (`applications.json.gz`).
        """
        folder = export_dir / self.folder
        extensions = [ext + gz for ext in spec.extensions for gz in ("", ".gz")]
        snapshots = [
            folder / f"{spec.name}{ext}"
            for ext in extensions
            if (folder / f"{spec.name}{ext}").is_file()
        ]
        if len(snapshots) > 1:
            names = " and ".join(p.name for p in snapshots)
            raise ExportFileError(
                f"{self.folder}/{snapshots[0].name}",
                None,
                f"two full snapshots of {spec.name} ({names}): keep one",
            )
        deltas = sorted(
            p for ext in extensions for p in folder.glob(f"{spec.name}.delta*{ext}") if p.is_file()
        )
        return (snapshots[0] if snapshots else None), deltas


def _read_json(
    path: Path, display: str, spec: EntitySpec, stream: bool, size: int | None = None
) -> Iterator[FileContent]:
    return read_json_batches(path, display, stream, size)


def _read_csv(
    path: Path, display: str, spec: EntitySpec, stream: bool, size: int | None = None
) -> Iterator[FileContent]:
    required = [f.name for f in spec.fields if f.required]
    return read_csv_batches(path, display, required, spec.field_names, stream, size)


GREENHOUSE_SOURCE = Source(
    "greenhouse",
    "greenhouse",
    GREENHOUSE,
    _read_json,
    "Greenhouse Harvest API objects (JSON array, JSON Lines or paged responses).",
)
LEVER_SOURCE = Source(
    "lever",
    "lever",
    LEVER,
    _read_json,
    "Lever API objects (response pages, arrays or JSON Lines; epoch-millisecond times).",
)
ATS_CSV_SOURCE = Source(
    "ats_csv",
    "ats_csv",
    ATS_CSV,
    _read_csv,
    "Any other ATS, as the canonical CSV format (docs/canonical-model.md).",
)
PEOPLE_SOURCE = Source(
    "people",
    "people",
    PEOPLE,
    _read_csv,
    "HR data from outside the ATS, as documented CSV files.",
    ats=False,
)

SOURCES: tuple[Source, ...] = (GREENHOUSE_SOURCE, LEVER_SOURCE, ATS_CSV_SOURCE, PEOPLE_SOURCE)


def export_problem(export_dir: Path, first_load: bool) -> str | None:
    """Why a refresh cannot start from `export_dir` (None: it can): it holds no source's
    folder, or, for a warehouse with no applications yet (`first_load`), no ATS's.
    Said at once, not as a failed test of an empty warehouse's as-of date."""
    present = [s for s in SOURCES if s.in_export(export_dir)]
    if any(s.ats or not first_load for s in present):
        return None
    wanted = [s for s in SOURCES if s.ats or not present]  # HR files alone: the ATS ones
    folders = ", ".join(f"{s.folder}/" for s in wanted)
    problem = f"{export_dir} holds none of {folders}"
    if present:
        problem += ": a first refresh (or --rebuild) needs an ATS export"
    here = export_dir.resolve()
    if here.name in {s.folder for s in SOURCES}:
        problem += f"; it is a source's own folder: pass its parent, {here.parent}"
    return problem + " (see docs/export-format.md)"
