"""Read export files into records, remembering where each record came from.

An ATS file may be a JSON array, JSON Lines, or paged API responses (an array
of pages, one page per line, or a page object `{"data": [...], "hasNext": ...}`
as Lever returns it); people files are CSV. Readers return plain dicts plus a
location per record, so a rejected row can always be traced back to its file
and line. A file that cannot be read at all raises ExportFileError naming the
file, line and (for encoding errors) byte offset.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import orjson

csv.field_size_limit(1 << 26)  # a long free-text cell is data, not an attack

# A file larger than this is read in batches of BATCH_RECORDS records, so that
# memory stays flat however large the export: a 440 MB applications.json held
# as Python objects at once took 4.2 GB. Smaller files are read whole.
STREAM_BYTES = 32 << 20
BATCH_RECORDS = 100_000
_FIRST_LINE_LIMIT = 32 << 20  # a longer first line is not one record per line


class ExportFileError(Exception):
    """A file that cannot be read at all: the refresh must stop before dbt."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file} line {line}" if line else file
        super().__init__(f"{where}: {message}")


class Record(NamedTuple):
    """One object from a file. `line` is 1-based for line formats (JSON Lines, CSV);
    for JSON arrays it is the 0-based position of the object in the file.

    A named tuple, not a frozen dataclass: made once per record, it costs a third
    (0.3 µs against 1 µs; eight million records at 1M applications)."""

    data: dict  # for a record that could not be parsed: its raw text, kept for quarantine
    line: int
    location: str
    problem: str | None = None  # set when this record alone could not be parsed
    problem_code: str = "unparseable"


@dataclass
class FileContent:
    """A file's records, or one batch of them (`read_batches`)."""

    records: list[Record]
    warnings: list[str] = field(default_factory=list)
    # the columns the file mentions (CSV header); None: the keys found in the records
    columns: set[str] | None = None


class BatchReadFailed(Exception):
    """A file read in batches turned out to need the whole-file reader, after
    batches were already handed out: the caller discards them and reads again
    with `stream=False` (rare: e.g. an array mixing API pages and objects)."""


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
    return FileContent(list(_from_json_lines(data.split(b"\n"))))


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


def _from_json_lines(lines: Iterable[bytes]) -> Iterator[Record]:
    """Records of JSON Lines, given the file's lines without their `\\n`."""
    offset = 0
    for line_no, raw_line in enumerate(lines, start=1):
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


# -- large files, in batches -------------------------------------------------------------


def read_json_batches(
    path: Path, display: str, stream: bool = True, size: int | None = None
) -> Iterator[FileContent]:
    """The records of a JSON file, a batch at a time when it is large.

    A large JSON array (or array of API pages) is read element by element
    (`_array_elements`); JSON Lines line by line. Records, lines and locations
    are those `read_json_records` gives; anything unusual (a pretty-printed
    single object, UTF-16, a file that does not parse) goes to
    `read_json_records`, which also words the errors.
    """
    size = size or BATCH_RECORDS
    if not stream or not _large(path):
        yield read_json_records(path, display)
        return
    try:
        kind = _json_stream_kind(path)
    except (OSError, EOFError):  # e.g. a broken gzip file: the whole-file reader says so
        kind = "whole"
    if kind == "lines":
        with _open_export(path) as handle:
            lines = (line.removesuffix(b"\n") for line in handle)
            yield from _or_whole(_batched(_from_json_lines(lines), size), path, display)
    elif kind == "array":
        yield from _or_whole(_batched(_array_records(path), size), path, display)
    else:
        yield read_json_records(path, display)


def read_csv_batches(
    path: Path,
    display: str,
    required_columns: list[str],
    declared_columns: list[str],
    stream: bool = True,
    size: int | None = None,
) -> Iterator[FileContent]:
    """The records of a CSV file, a batch at a time when it is large (UTF-8 only:
    a file in a legacy encoding is read whole, with its warning)."""
    if not stream or not _large(path) or not _streamable_text(path):
        yield read_csv_records(path, display, required_columns, declared_columns)
        return
    with _open_export(path) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        batches = _csv_batches(
            csv.reader(text), display, required_columns, declared_columns, size or BATCH_RECORDS
        )
        whole = _or_whole(batches, path, display, required_columns, declared_columns)
        yield from whole


def text_size(path: Path) -> int:
    """About how many bytes of text the file holds: a gzip file is about a tenth of its text."""
    return path.stat().st_size * (10 if path.suffix == ".gz" else 1)


def _large(path: Path) -> bool:
    return text_size(path) > STREAM_BYTES


def _open_export(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")


def _streamable_text(path: Path) -> bool:
    """Not UTF-16, nor a file cut inside a UTF-8 byte-order mark (which the streaming
    decoder reads as empty), nor a broken gzip file: the whole-file reader words those."""
    try:
        with _open_export(path) as handle:
            head = handle.read(3)
    except (OSError, EOFError):
        return False
    bom = b"\xef\xbb\xbf"
    cut_bom = head != bom and head and bom.startswith(head)
    return not cut_bom and head[:2] not in (b"\xff\xfe", b"\xfe\xff")


# The batch generators hand a batch over without keeping a reference to it (`yield
# held.pop()`), so the loader can free it before the next batch is read.


def _batched(records: Iterator[Record], size: int) -> Iterator[FileContent]:
    held = [FileContent(list(itertools.islice(records, size)))]
    while held[0].records:
        yield held.pop()
        held.append(FileContent(list(itertools.islice(records, size))))


class _NotStreamable(Exception):
    """The file needs the whole-file reader."""


def _or_whole(
    batches: Iterator[FileContent], path: Path, display: str, *csv_columns
) -> Iterator[FileContent]:
    """Batches of a streaming reader; if it cannot go on, the whole-file reader's answer.

    Before the first batch that is a silent switch; after it, BatchReadFailed
    tells the caller to discard what it has and read again.
    """
    started = False
    try:
        while (batch := next(batches, None)) is not None:
            started, held = True, [batch]
            del batch
            yield held.pop()
    except (_NotStreamable, ValueError, OSError, EOFError) as exc:
        # ValueError: JSON (orjson's error is one) or text that does not decode
        if started:
            raise BatchReadFailed(f"{display}: {exc}") from exc
        if csv_columns:
            yield read_csv_records(path, display, *csv_columns)
        else:
            yield read_json_records(path, display)


def _json_stream_kind(path: Path) -> str:
    """How a large JSON file can be streamed: "lines", "array" or "whole".

    The rules are `read_json_records`': a file that is one JSON document is a
    document; otherwise, if its first line is JSON on its own, it is JSON Lines.
    """
    with _open_export(path) as handle:
        line = handle.readline(_FIRST_LINE_LIMIT)
        if line.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            return "whole"  # rare in large exports; the whole-file reader knows them
        while line and not line.strip():
            line = handle.readline(_FIRST_LINE_LIMIT)
        start = line.lstrip()[:1]
        if start not in (b"[", b"{"):
            return "lines"
        first_line_parses = line.endswith(b"\n") and _parses(line)
        if first_line_parses and _more_content(handle):
            return "lines"  # one JSON value per line (objects or API pages)
        return "array" if start == b"[" and not first_line_parses else "whole"


def _parses(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def _more_content(handle) -> bool:
    while block := handle.read(1 << 16):
        if block.strip():
            return True
    return False


def _array_records(path: Path) -> Iterator[Record]:
    """The records of a JSON array of objects, or of API pages, element by element."""
    paged = None
    index = page_no = 0
    with _open_export(path) as handle:
        for value in _array_elements(handle):
            items = _page_items(value)
            if paged is None:
                paged = items is not None
            if not paged:
                yield _object_record(value, index, f"item {index}")
                index += 1
                continue
            if items is None:  # pages and objects mixed: the whole-file reader's rule
                raise _NotStreamable("an array mixing API pages and objects")
            page_no += 1
            for item_no, obj in enumerate(items):
                yield _object_record(obj, index, f"page {page_no} item {item_no}")
                index += 1


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_BLOCK_CHARS = 8 << 20


def _array_elements(handle) -> Iterator[object]:
    """The value of each element of the top-level JSON array in `handle`, parsed by
    orjson (the whole-file reader's parser: the same values).

    The file is decoded a block at a time, so memory holds a block and one
    element, not the file. An element alone on its line before a comma (as JSON
    arrays are mostly written, one record or API page a line) is parsed straight
    from the line; anywhere else, the standard library's scanner finds where the
    element ends (it builds the value to know, so it costs about twice). Anything
    but a well-formed array raises _NotStreamable.
    """
    decode = codecs.getincrementaldecoder("utf-8")().decode
    scan = json.JSONDecoder().raw_decode
    buf, pos, eof = "", 0, False
    line_end = -1  # end of the line last tried whole: its newline, or len(buf) if none yet

    def fill() -> None:
        nonlocal buf, pos, eof, line_end
        if eof:
            raise _NotStreamable("the array is not closed")
        block = handle.read(_BLOCK_CHARS)
        eof = not block
        buf, pos, line_end = buf[pos:] + decode(block, final=eof), 0, -1

    def next_char() -> str:
        nonlocal pos
        while (pos := _JSON_SPACE.match(buf, pos).end()) == len(buf):
            fill()
        return buf[pos]

    if next_char() != "[":
        raise _NotStreamable("not an array")
    pos += 1
    if next_char() != "]":
        while True:
            next_char()
            if pos > line_end:  # the element opens a line: try the line whole, once
                line_end = buf.find("\n", pos)
                line_end = len(buf) if line_end < 0 else line_end  # none: not before fill
                last = line_end
                while last > pos and buf[last - 1] in " \t\r":
                    last -= 1
                if line_end < len(buf) and buf[last - 1] == ",":
                    # A complete JSON value from the element's start to a comma ending
                    # the line can only be the element itself.
                    try:
                        value = orjson.loads(buf[pos : last - 1])
                    except orjson.JSONDecodeError:
                        pass  # more than one element on the line, or broken: scanned
                    else:
                        yield value
                        pos = last
                        continue
            try:
                _, end = scan(buf, pos)
            except json.JSONDecodeError:
                end = len(buf)
            if end == len(buf):  # cut at the block's end (or broken: fill says so at EOF)
                fill()
                continue
            yield orjson.loads(buf[pos:end])
            pos = end
            separator = next_char()
            pos += 1
            if separator == "]":
                break
            if separator != ",":
                raise _NotStreamable("an array element is not followed by , or ]")
    else:
        pos += 1
    while not eof:  # nothing but white space may follow
        if _JSON_SPACE.match(buf, pos).end() != len(buf):
            raise _NotStreamable("content after the array")
        fill()
    if _JSON_SPACE.match(buf, pos).end() != len(buf):
        raise _NotStreamable("content after the array")


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
    batches = _csv_batches(reader, display, required_columns, declared_columns, size=None)
    content = next(batches)
    content.warnings[:0] = warnings
    return content


def _csv_batches(
    reader, display: str, required: list[str], declared: list[str], size: int | None
) -> Iterator[FileContent]:
    """The records of a CSV reader, `size` rows at a time (None: all at once).

    The header is checked against the first batch's rows: in a file read in
    batches, a misaligned header shows in its first 100,000 rows.
    """
    try:
        header = next(reader)
    except StopIteration:
        yield FileContent([], [], set())
        return
    except csv.Error as exc:
        raise ExportFileError(display, 1, f"not valid CSV ({exc})") from exc
    header = [h.strip() for h in header]
    columns = set(header)
    first = True
    while True:
        try:
            rows = [(reader.line_num, row) for row in itertools.islice(reader, size)]
        except csv.Error as exc:
            raise ExportFileError(display, reader.line_num, f"not valid CSV ({exc})") from exc
        if not first and not rows:
            return
        warnings = _csv_header_warnings(display, header, rows, required, declared) if first else []
        first = False
        held = [FileContent(_csv_records(header, rows), warnings, columns)]
        del rows
        yield held.pop()
        if size is None:
            return


def _csv_header_warnings(
    display: str, header: list[str], rows, required: list[str], declared: list[str]
) -> list[str]:
    _check_header(display, header, rows, required, declared)
    warnings = []
    missing = [c for c in declared if c not in header]
    if missing:
        warnings.append(
            f"{display}: optional column(s) not in the header: {', '.join(missing)}"
            " (values already stored for these columns are kept)"
        )
    unknown = [c for c in header if c not in declared]
    if unknown:
        warnings.append(f"{display}: unknown column(s) kept aside: {', '.join(unknown)}")
    return warnings


def _blank(row: list[str]) -> bool:
    """A row of empty or whitespace cells: skipped. One join, not a test per cell
    (millions of rows at 1M applications)."""
    return not "".join(row).strip()


def _csv_records(header: list[str], rows) -> list[Record]:
    records = []
    width = len(header)
    for line_no, row in rows:
        if _blank(row):
            continue
        if len(row) != width:
            problem = f"expected {width} fields, got {len(row)}"
            records.append(Record({"_unparsed_row": row}, line_no, f"line {line_no}", problem))
            continue
        # a blank cell is null; `isspace` tests it without making a stripped copy
        data = {h: (v if v and not v.isspace() else None) for h, v in zip(header, row, strict=True)}
        records.append(Record(data, line_no, f"line {line_no}"))
    return records


def _check_header(
    display: str, header: list[str], rows, required: list[str], declared: list[str]
) -> None:
    nameless = [i for i, name in enumerate(header, start=1) if not name]
    if nameless:
        raise ExportFileError(display, 1, f"header column {nameless[0]} has no name")
    repeated = [name for name, n in Counter(header).items() if n > 1]
    if repeated:
        raise ExportFileError(display, 1, f"header names column {repeated[0]!r} twice")
    widths = Counter(len(row) for _, row in rows if not _blank(row))
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
