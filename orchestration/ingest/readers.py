"""Read export files into records, remembering where each record came from.

An ATS file may be a JSON array, JSON Lines, or paged API responses (an array
of pages, one page per line, or a page object `{"data": [...], "hasNext": ...}`
as Lever returns it); people files are CSV. Readers return plain dicts plus a
location per record, so a rejected row can always be traced back to its file
and line. A file that cannot be read at all raises ExportFileError naming the
file, line and (for encoding errors) byte offset.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

csv.field_size_limit(1 << 26)  # a long free-text cell is data, not an attack


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
    problem_code: str = "unparseable"


@dataclass
class FileContent:
    records: list[Record]
    warnings: list[str] = field(default_factory=list)
    # the columns the file mentions (CSV header); None: the keys found in the records
    columns: set[str] | None = None


# -- bytes to text ---------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_utf8(data: bytes, display: str) -> str:
    """UTF-8 (with or without BOM); UTF-16 with a BOM. Otherwise an error naming the byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExportFileError(display, None, f"not valid UTF-16 ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        message = f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start}"
        raise ExportFileError(display, line, message) from exc


def decode_text(data: bytes, display: str, legacy_ok: bool, warnings: list[str]) -> str:
    """Decode a file; where allowed, a non-UTF-8 file is read as Windows-1252 with a warning.

    Windows-1252 is what spreadsheet tools write as "CSV" on most Western
    systems; it is a superset of Latin-1's printable characters. Five bytes are
    undefined in it: those fall back to Latin-1, so decoding cannot fail.
    """
    try:
        return _decode_utf8(data, display)
    except ExportFileError as exc:
        if not legacy_ok:
            raise
        warnings.append(f"{display}: {exc.message} (line {exc.line}); read as Windows-1252")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# -- JSON ------------------------------------------------------------------------------


def read_export_bytes(path: Path, display: str) -> bytes:
    """The file's bytes; a `.gz` file (any format, e.g. `applications.json.gz`) is
    decompressed first, so a large export can be kept compressed."""
    data = path.read_bytes()
    if path.suffix != ".gz":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise ExportFileError(display, None, f"not a readable gzip file ({exc})") from exc


def read_json_records(path: Path, display: str) -> FileContent:
    data = read_export_bytes(path, display)
    if data.lstrip()[:1] in (b"[", b"{"):
        try:
            parsed = orjson.loads(_decode_utf8(data, display))
        except json.JSONDecodeError as exc:
            if not _first_line_is_json(data):  # not JSON Lines (of pages) either: unreadable
                message = f"not valid JSON ({exc.msg}, column {exc.colno})"
                raise ExportFileError(display, exc.lineno, message) from exc
        except ExportFileError:
            if not _first_line_is_json(data):
                raise
        else:
            if isinstance(parsed, dict) and _page_items(parsed) is None:
                return FileContent([_object_record(parsed, 1, "line 1")])  # one object
            return FileContent(list(_from_document(parsed, display)))
    if not data.strip():
        return FileContent([])
    return FileContent(list(_from_json_lines(data)))


def _first_line_is_json(data: bytes) -> bool:
    first = next((line for line in data.splitlines() if line.strip()), b"")
    try:
        orjson.loads(first)
    except json.JSONDecodeError:
        return False
    return True


def _page_items(value) -> list | None:
    """The objects of one API page: a list, or a page object `{"data": [...]}`."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return value["data"]
    return None


def _from_document(parsed, display: str) -> Iterator[Record]:
    if isinstance(parsed, dict):  # one page object
        parsed = [parsed]
    # A paged export is an array of pages, each page an array of objects or a page object.
    pages = [_page_items(p) for p in parsed]
    if parsed and all(p is not None for p in pages):
        index = 0
        for page_no, page in enumerate(pages, start=1):
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


def _from_json_lines(data: bytes) -> Iterator[Record]:
    offset = 0
    for line_no, raw_line in enumerate(data.split(b"\n"), start=1):
        line_start, offset = offset, offset + len(raw_line) + 1
        if line_no == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
            raw_line = raw_line[3:]
        if not raw_line.strip():
            continue
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = (
                f"not valid UTF-8: byte 0x{raw_line[exc.start]:02x}"
                f" at byte offset {line_start + exc.start}"
            )
            text = raw_line.decode("utf-8", errors="replace")
            yield Record({"_unparsed_text": text}, line_no, f"line {line_no}", problem, "encoding")
            continue
        try:
            obj = orjson.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON ({exc.msg})"
            yield Record({"_unparsed_text": text}, line_no, f"line {line_no}", problem)
            continue
        items = _page_items(obj)
        if items is not None:  # one API page per line
            for item_no, item in enumerate(items):
                yield _object_record(item, line_no, f"line {line_no} item {item_no}")
        else:
            yield _object_record(obj, line_no, f"line {line_no}")


# -- CSV -------------------------------------------------------------------------------


def read_csv_records(
    path: Path, display: str, required_columns: list[str], declared_columns: list[str]
) -> FileContent:
    """CSV with a header row; an empty cell is null. Line numbers count the header as 1.

    Header problems are file-level errors (a nameless or repeated column, a
    required column missing); an optional column missing is a warning.
    """
    warnings: list[str] = []
    text = decode_text(read_export_bytes(path, display), display, legacy_ok=True, warnings=warnings)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return FileContent([], warnings, set())
    except csv.Error as exc:
        raise ExportFileError(display, 1, f"not valid CSV ({exc})") from exc
    header = [h.strip() for h in header]
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ExportFileError(display, reader.line_num, f"not valid CSV ({exc})") from exc
    _check_header(display, header, rows, required_columns, declared_columns)
    missing = [c for c in declared_columns if c not in header]
    if missing:
        warnings.append(
            f"{display}: optional column(s) not in the header: {', '.join(missing)}"
            " (values already stored for these columns are kept)"
        )
    unknown = [c for c in header if c not in declared_columns]
    if unknown:
        warnings.append(f"{display}: unknown column(s) kept aside: {', '.join(unknown)}")

    records = []
    for line_no, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problem = f"expected {len(header)} fields, got {len(row)}"
            records.append(Record({"_unparsed_row": row}, line_no, f"line {line_no}", problem))
            continue
        data = {h: (v if v.strip() != "" else None) for h, v in zip(header, row, strict=True)}
        records.append(Record(data, line_no, f"line {line_no}"))
    return FileContent(records, warnings, set(header))


def _check_header(
    display: str, header: list[str], rows, required: list[str], declared: list[str]
) -> None:
    nameless = [i for i, name in enumerate(header, start=1) if not name]
    if nameless:
        raise ExportFileError(display, 1, f"header column {nameless[0]} has no name")
    repeated = [name for name, n in Counter(header).items() if n > 1]
    if repeated:
        raise ExportFileError(display, 1, f"header names column {repeated[0]!r} twice")
    widths = Counter(len(row) for _, row in rows if any(cell.strip() for cell in row))
    if widths:
        width, count = widths.most_common(1)[0]
        if width != len(header) and count * 2 > sum(widths.values()):
            absent = [c for c in declared if c not in header]
            hint = f" (not in the header: {', '.join(absent)})" if absent else ""
            raise ExportFileError(
                display,
                1,
                f"header has {len(header)} column names but most rows have {width} fields:"
                f" a column name is missing or extra{hint}",
            )
    missing = [c for c in required if c not in header]
    if missing:
        raise ExportFileError(display, 1, f"header lacks required column(s): {', '.join(missing)}")
