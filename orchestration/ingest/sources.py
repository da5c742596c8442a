"""The source adapters: where each source's files live and how they are read.

An adapter is a folder in the export, the specs of the tables it holds, and a
reader that turns one file into records. The Greenhouse adapter reads Harvest
JSON (array, JSON Lines or paged); the people loader reads documented CSVs.
A new ATS is a new entry here plus its specs and staging models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.readers import Record, read_csv_records, read_json_records
from orchestration.ingest.specs import GREENHOUSE, PEOPLE, EntitySpec

Reader = Callable[[Path, str, EntitySpec], list[Record]]


@dataclass(frozen=True)
class Source:
    name: str
    folder: str
    specs: tuple[EntitySpec, ...]
    read: Reader
    description: str

    def find_file(self, export_dir: Path, spec: EntitySpec) -> Path | None:
        for extension in spec.extensions:
            candidate = export_dir / self.folder / f"{spec.name}{extension}"
            if candidate.is_file():
                return candidate
        return None


def _read_json(path: Path, display: str, spec: EntitySpec) -> list[Record]:
    return read_json_records(path, display)


def _read_csv(path: Path, display: str, spec: EntitySpec) -> list[Record]:
    required = [f.name for f in spec.fields if f.required]
    return read_csv_records(path, display, required)


GREENHOUSE_SOURCE = Source(
    "greenhouse",
    "greenhouse",
    GREENHOUSE,
    _read_json,
    "Greenhouse Harvest API objects (JSON array, JSON Lines or paged responses).",
)
PEOPLE_SOURCE = Source(
    "people",
    "people",
    PEOPLE,
    _read_csv,
    "HR data from outside the ATS, as documented CSV files.",
)

SOURCES: tuple[Source, ...] = (GREENHOUSE_SOURCE, PEOPLE_SOURCE)
