"""Read export files into records, remembering where each record came from.

A Greenhouse file may be a JSON array, JSON Lines, or paged API responses (an
array of pages, or one page per line); people files are CSV. Readers return
plain dicts plus a location per record, so a rejected row can always be traced
back to its file and line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson


class ExportFileError(Exception):
    """A file that cannot be read at all: the refresh must stop before dbt."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file} line {line}" if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Record:
    """One object from a file. `line` is 1-based for line formats (JSON Lines, CSV);
    for JSON arrays it is the 0-based position of the object in the file."""

    data: dict  # for a record that could not be parsed: its raw text, kept for quarantine
    line: int
    location: str
    problem: str | None = None  # set when this record alone could not be parsed


def read_json_records(path: Path, display: str) -> list[Record]:
    text = path.read_text(encoding="utf-8-sig")
    if not text.strip():
        return []
    if text.lstrip().startswith("["):
        try:
            return list(_from_array(orjson.loads(text), display))
        except json.JSONDecodeError as exc:
            if not _first_line_is_json(text):  # not JSON Lines of pages either: unreadable
                message = f"not valid JSON ({exc.msg}, column {exc.colno})"
                raise ExportFileError(display, exc.lineno, message) from exc
    return list(_from_json_lines(text, display))


def _first_line_is_json(text: str) -> bool:
    first = next(line for line in text.splitlines() if line.strip())
    try:
        orjson.loads(first)
    except json.JSONDecodeError:
        return False
    return True


def _from_array(parsed: list, display: str) -> Iterator[Record]:
    # A paged export is an array of pages, each page an array of objects.
    if parsed and all(isinstance(page, list) for page in parsed):
        index = 0
        for page_no, page in enumerate(parsed, start=1):
            for item_no, obj in enumerate(page):
                yield _object_record(obj, index, f"page {page_no} item {item_no}")
                index += 1
        return
    for index, obj in enumerate(parsed):
        yield _object_record(obj, index, f"item {index}")


def _object_record(obj, line: int, location: str) -> Record:
    if isinstance(obj, dict):
        return Record(obj, line, location)
    problem = f"expected a JSON object, got {type(obj).__name__}"
    return Record({"_unparsed_value": obj}, line, location, problem)


def _from_json_lines(text: str, display: str) -> Iterator[Record]:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON ({exc.msg})"
            yield Record({"_unparsed_text": line}, line_no, f"line {line_no}", problem)
            continue
        if isinstance(obj, list):  # one API page per line
            for item_no, item in enumerate(obj):
                yield _object_record(item, line_no, f"line {line_no} item {item_no}")
        else:
            yield _object_record(obj, line_no, f"line {line_no}")


def read_csv_records(path: Path, display: str, required_columns: list[str]) -> list[Record]:
    """CSV with a header row; an empty cell is null. Line numbers count the header as 1."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return []
        except csv.Error as exc:
            raise ExportFileError(display, 1, f"not valid CSV ({exc})") from exc
        header = [h.strip() for h in header]
        missing = [c for c in required_columns if c not in header]
        if missing:
            raise ExportFileError(
                display, 1, f"header lacks required column(s): {', '.join(missing)}"
            )
        records = []
        try:
            for row in reader:
                line_no = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    problem = f"expected {len(header)} fields, got {len(row)}"
                    records.append(
                        Record({"_unparsed_row": row}, line_no, f"line {line_no}", problem)
                    )
                    continue
                data = {
                    h: (v if v.strip() != "" else None) for h, v in zip(header, row, strict=True)
                }
                records.append(Record(data, line_no, f"line {line_no}"))
        except csv.Error as exc:
            raise ExportFileError(display, reader.line_num, f"not valid CSV ({exc})") from exc
        return records
