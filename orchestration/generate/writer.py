"""Writing export files in the encodings loaders must handle: a JSON array,
JSON Lines, paged API responses, and CSV. Output is compact and byte-stable."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import orjson

PAGE_SIZE = 500  # Harvest's largest per_page


def _dump(value) -> str:
    # orjson writes the same compact UTF-8 text as json.dumps(separators=(",", ":"),
    # ensure_ascii=False) for these records (no floats), several times faster
    return orjson.dumps(value).decode()


def write_json_array(path: Path, rows: list[dict]) -> int:
    path.write_text("[" + ",\n".join(_dump(r) for r in rows) + "]\n", encoding="utf-8")
    return len(rows)


def write_json_lines(path: Path, rows: list[dict]) -> int:
    path.write_text("".join(_dump(r) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def write_json_pages(path: Path, rows: list[dict], page_size: int = PAGE_SIZE) -> int:
    """As saved by following Harvest's `Link: rel="next"` pages: an array of pages."""
    pages = [rows[i : i + page_size] for i in range(0, len(rows), page_size)]
    path.write_text("[" + ",\n".join(_dump(p) for p in pages) + "]\n", encoding="utf-8")
    return len(rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return len(rows)


# Lever's list endpoints answer one page at a time: {"data": [...], "hasNext": bool,
# "next": offset}. People save them as they come: one page, an array of pages, or
# one page per line. `next` is the opaque offset the following request would send.
LEVER_PAGE_SIZE = 100  # Lever's largest `limit`


def _lever_pages(rows: list[dict], page_size: int) -> list[dict]:
    pages = []
    for start in range(0, max(len(rows), 1), page_size):
        chunk = rows[start : start + page_size]
        page: dict = {"data": chunk, "hasNext": start + page_size < len(rows)}
        if page["hasNext"]:
            last = chunk[-1]
            page["next"] = quote(_dump([last.get("createdAt"), last["id"]]))
        pages.append(page)
    return pages


def write_lever_page(path: Path, rows: list[dict]) -> int:
    """One response holding every row (a small list fits in one page)."""
    page = {"data": rows, "hasNext": False}
    path.write_text(_dump(page) + "\n", encoding="utf-8")
    return len(rows)


def write_lever_pages(path: Path, rows: list[dict], page_size: int = LEVER_PAGE_SIZE) -> int:
    """A JSON array of response pages."""
    pages = _lever_pages(rows, page_size)
    path.write_text("[" + ",\n".join(_dump(p) for p in pages) + "]\n", encoding="utf-8")
    return len(rows)


def write_lever_page_lines(path: Path, rows: list[dict], page_size: int = LEVER_PAGE_SIZE) -> int:
    """JSON Lines, one response page per line."""
    pages = _lever_pages(rows, page_size)
    path.write_text("".join(_dump(p) + "\n" for p in pages), encoding="utf-8")
    return len(rows)
