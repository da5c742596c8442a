"""Build the reliability cases of issue 5 from a generated export, and look for leaks.

The cases start from `hiring generate` output and change it the way a real
export, a careless operator or an extraction tool would. Everything here works
on files and processes only: the tests run the real `hiring` CLI on the result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import duckdb
import orjson

from tests.conftest import PROJECT_ROOT, run_hiring

PII_FIELDS = ("first_name", "last_name", "email_addresses", "phone_numbers")
PUBLISHED = "published.duckdb"
WAREHOUSE_DB = "warehouse.duckdb"


# -- running the CLI ------------------------------------------------------------------


@contextmanager
def environment(**overrides: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for the CLI runs inside."""
    with mock.patch.dict(os.environ):
        for name, value in overrides.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield


def hiring_refresh(
    exports: Path, warehouse: Path, *options: str, **env: str | None
) -> subprocess.CompletedProcess:
    """`hiring refresh --exports E --warehouse W [options]` with its own environment."""
    with environment(**env):
        return run_hiring(
            "refresh", "--exports", str(exports), "--warehouse", str(warehouse), *options
        )


def start_refresh(
    exports: Path, warehouse: Path, log_stem: Path, *options: str
) -> subprocess.Popen:
    """Start a refresh in the background; what it prints goes to LOG_STEM.out / .err."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "refresh",
            "--exports",
            str(exports),
            "--warehouse",
            str(warehouse),
            *options,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=log_stem.with_suffix(".out").open("w"),
        stderr=log_stem.with_suffix(".err").open("w"),
        text=True,
    )


def printed(log_stem: Path) -> str:
    """What a background refresh printed so far (stdout, then stderr)."""
    return "\n".join(
        p.read_text(errors="replace")
        for p in (log_stem.with_suffix(".out"), log_stem.with_suffix(".err"))
        if p.exists()
    )


def poll(predicate, timeout: float, interval: float = 0.5):
    """Call `predicate` until it returns something true or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def output(result: subprocess.CompletedProcess) -> str:
    return f"{result.stdout}\n{result.stderr}"


def lines_with(text: str, *needles: str) -> list[str]:
    """The lines of `text` that hold every needle (case-insensitive)."""
    return [line for line in text.splitlines() if all(n.lower() in line.lower() for n in needles)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def copy_tree(source: Path, destination: Path) -> Path:
    return Path(shutil.copytree(source, destination, symlinks=True))


def folder_bytes(folder: Path) -> int:
    """What `du` counts: the size of every file under the folder."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


# -- processes ------------------------------------------------------------------------


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may hold spaces
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, grandchildren, ...)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited


def dbt_processes_below(pid: int) -> list[int]:
    return [p for p in descendants(pid) if re.search(r"\bdbt\b", command_line(p))]


def kill_if_alive(pids: Iterable[int]) -> None:
    for pid in pids:
        if is_alive(pid):
            os.kill(pid, signal.SIGKILL)


# -- reading and writing export files -------------------------------------------------


def read_objects(path: Path) -> list[dict]:
    """Every object of a Greenhouse file: JSON array, paged array, or JSON Lines."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        try:
            parsed = orjson.loads(text)  # the benchmark reads 1M-application exports
        except json.JSONDecodeError:
            parsed = None
        if parsed is not None:
            if parsed and all(isinstance(page, list) for page in parsed):
                return [obj for page in parsed for obj in page]
            return parsed
    objects = []
    for line in text.splitlines():
        if line.strip():
            value = orjson.loads(line)
            objects.extend(value if isinstance(value, list) else [value])
    return objects


def write_array(path: Path, objects: list[dict]) -> None:
    path.write_text("[" + ",\n".join(json.dumps(o) for o in objects) + "]\n")


def write_json_lines(path: Path, objects: list[dict]) -> None:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects))


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def csv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


class Export:
    """A copy of a generated export, changed in place one case at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, entity: str) -> Path:
        if (self.root / "people" / f"{entity}.csv").exists():
            return self.root / "people" / f"{entity}.csv"
        return self.root / "greenhouse" / f"{entity}.json"

    def objects(self, entity: str) -> list[dict]:
        return read_objects(self.path(entity))

    def save(self, entity: str, objects: list[dict], *, json_lines: bool = False) -> None:
        (write_json_lines if json_lines else write_array)(self.path(entity), objects)

    def rows(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        return read_csv(self.path(table))

    def save_rows(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        self.path(table).write_text(csv_text(header, rows), encoding="utf-8")

    def greenhouse_entities(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "greenhouse").glob("*.json"))

    def people_tables(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "people").glob("*.csv"))

    def latest_ats_date(self) -> str:
        """The latest calendar date written in any ATS file of the export (YYYY-MM-DD)."""
        dates = set()
        for path in (self.root / "greenhouse").rglob("*"):
            if path.is_file():
                dates.update(re.findall(r"\b(\d{4}-\d{2}-\d{2})", path.read_text(errors="replace")))
        return max(dates)

    def remove_application(self, application_id: int) -> int:
        """Delete an application and every record that points to it, as the ATS would.

        Returns how many records left the export."""
        return self.remove_applications({application_id})

    def remove_applications(self, application_ids: set[int]) -> int:
        """`remove_application` for many at once: each file is read and written once."""
        removed = 0
        for entity in self.greenhouse_entities():
            objects = self.objects(entity)
            key = "id" if entity == "applications" else "application_id"
            kept = [o for o in objects if o.get(key) not in application_ids]
            if len(kept) != len(objects):
                removed += len(objects) - len(kept)
                self.save(entity, kept)
        as_text = {str(i) for i in application_ids}
        for table in self.people_tables():
            header, rows = self.rows(table)
            if "application_id" in header:
                kept_rows = [r for r in rows if r["application_id"] not in as_text]
                if len(kept_rows) != len(rows):
                    removed += len(rows) - len(kept_rows)
                    self.save_rows(table, header, kept_rows)
        return removed


# -- personal data: what to look for, and where --------------------------------------


def _pii_strings(value) -> list[str]:
    """The personal values a field holds: a plain string, or `[{value, type}]`."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _pii_strings(item)]
    if isinstance(value, dict):
        return _pii_strings(value.get("value"))
    return [str(value)]


def candidate_pii(export_dir: Path) -> dict[str, set[str]]:
    """Every candidate first name, last name, email and phone in the export, by kind.

    Names are kept only when they are not also written in another file of the
    export (a user, an interviewer): finding such a name elsewhere proves nothing.
    Phones are looked for as written and in their normalized form (digits and +).
    """
    candidates = read_objects(export_dir / "greenhouse" / "candidates.json")
    other_text = "\n".join(
        p.read_text(errors="replace")
        for p in export_dir.rglob("*")
        if p.is_file() and p.name != "candidates.json"
    )
    found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
    for candidate in candidates:
        for field in ("first_name", "last_name"):
            for name in _pii_strings(candidate.get(field)):
                if name.strip() and not re.search(rf"\b{re.escape(name)}\b", other_text):
                    found["name"].add(name)
        for email in _pii_strings(candidate.get("email_addresses")):
            found["email"].update({email, email.strip().lower()})
        for phone in _pii_strings(candidate.get("phone_numbers")):
            found["phone"].update({phone, re.sub(r"[^0-9+]", "", phone)})
    found["phone"].discard("")
    found["email"].discard("")
    return found


class PiiScanner:
    """Finds candidate values in text: emails and phones anywhere, names as whole words."""

    def __init__(self, pii: dict[str, set[str]]) -> None:
        self.pii = pii
        plain = sorted(pii["email"] | pii["phone"], key=len, reverse=True)
        names = sorted(pii["name"], key=len, reverse=True)
        parts = [re.escape(v) for v in plain]
        parts += [rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" for n in names]
        self.pattern = re.compile("|".join(parts)) if parts else None

    def find(self, text: str) -> set[str]:
        return set(self.pattern.findall(text)) if self.pattern else set()

    def in_files(self, folder: Path) -> dict[str, set[str]]:
        hits = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found = self.find(path.read_bytes().decode("utf-8", errors="replace"))
                if found:
                    hits[str(path)] = found
        return hits

    def in_database(self, db: Path) -> dict[str, set[str]]:
        """Every column of every table of a DuckDB file, in every schema."""
        con = duckdb.connect(str(db), read_only=True)
        try:
            relations = con.execute(
                "select schema_name, table_name from duckdb_tables() where not internal"
            ).fetchall()
            hits = {}
            for schema, table in relations:
                columns = con.execute(
                    "select column_name from duckdb_columns()"
                    " where schema_name = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
                for (column,) in columns:
                    values = con.execute(
                        f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
                        f' where "{column}" is not null'
                    ).fetchall()
                    found = self.find("\n".join(v for (v,) in values))
                    if found:
                        hits[f"{schema}.{table}.{column}"] = found
            return hits
        finally:
            con.close()


def files_holding(folder: Path, secret: str) -> list[str]:
    """Files under `folder` whose bytes contain `secret`."""
    needle = secret.encode()
    return sorted(str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes())
