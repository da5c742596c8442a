"""Read and check one export file, a batch at a time, without the warehouse.

Per batch this gives what the loader stores: the typed rows that passed (with
their place in the file) and the quarantine rows of those that did not; the
file's counts add up in a `Tally`. The loader stamps them with its load as it
stores them (`stamped`). Being free of the warehouse and of the load, it runs in
worker processes (`FilePool`): for every file of a refresh that started them
ahead, queued for every source at its start (`queue_file`), and otherwise for
the large files of a large export, so that checking, most of an ingest's time,
uses every core while the loader stores. Other files are checked in the
loader's process.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import types
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from orchestration.ingest import pii
from orchestration.ingest.readers import (
    BatchReadFailed,
    ExportFileError,
    FileContent,
    text_size,
)
from orchestration.ingest.sources import Source
from orchestration.ingest.specs import EntitySpec
from orchestration.ingest.validation import (
    DROPPED,
    FLAGGED,
    NULLED,
    Problem,
    check_records,
    suite_passes,
)
from orchestration.progress import PROGRESS_SECONDS

# typed rows that passed, quarantine rows of those that did not
Batch = tuple[pd.DataFrame, list[dict]]

# Files of at least FILE_MIN_BYTES of text are checked in worker processes, when
# a source's add up to SOURCE_MIN_BYTES: enough work to repay starting the workers
# (about 3 s of imports each). At 100k applications Greenhouse's do (180 MB),
# Lever's and the people files' do not (11 MB; 0 MB).
FILE_MIN_BYTES = 8 << 20
SOURCE_MIN_BYTES = 64 << 20
WORKERS_ENV = "HIRING_INGEST_WORKERS"  # how many; 0 checks every file in the loader
# An export smaller than this gets one worker ahead: a second's imports (about 4 s of a
# core) cost more than it saves (demo, 2 MB: a refresh 2 s shorter with one).
SMALL_EXPORT_BYTES = 16_000_000
# Records per batch in a worker: with two workers each holding a batch, half the
# loader's own (readers.BATCH_RECORDS) keeps a 1M-application refresh under 3 GB.
WORKER_BATCH = 25_000


@dataclass
class Tally:
    """One file's batches, added up."""

    rows_read: int = 0
    dropped: int = 0
    nulled: int = 0
    flagged: int = 0
    warnings: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)  # (field, reason) of dropped records
    first_at: dict = field(default_factory=dict)  # (field, reason) -> where it first happened
    mentioned: set[str] = field(default_factory=set)  # the fields the file mentions
    stream: bool = True  # read in batches (False: read whole, after BatchReadFailed)
    track_mentioned: bool = False  # note the fields mentioned (to keep stored values of others)

    def top_reason(self) -> str:
        (field_, reason), n = self.reasons.most_common(1)[0]
        subject = f"field {field_}" if field_ else "record"
        where = self.first_at[(field_, reason)]
        return f"{where} {subject}: {reason} ({n} record{'s' if n != 1 else ''})"


@dataclass(frozen=True)
class FileJob:
    """One export file to read and check: what a worker is given."""

    source: Source
    spec: EntitySpec
    path: Path
    display: str  # its path relative to the export folder


def checked_batches(
    job: FileJob,
    tally: Tally,
    size: int | None = None,
    checks: list[pd.DataFrame] | None = None,
) -> Iterator[Batch]:
    """The file's batches (of `size` records; None: the readers' own), checked, adding
    up into `tally`. Memory holds one batch, however large the file. Given `checks`,
    Great Expectations' suite is left to the caller: each batch's frame for it is
    added there, and the batches hold only the problems found in typing.

    The batches are not yet stamped with a load (`stamped`): a file can be checked
    before the load that stores it has begun."""
    seq = 0
    gc_was_enabled = gc.isenabled()
    # Building a batch makes millions of objects and no cycles; Python's cycle
    # collector would walk the growing batch again and again (a third of the
    # time at 1M applications). It runs once per batch instead, between batches,
    # on the youngest generation only: with collection off, everything the batch
    # made is there, and a full collection would also walk every object of the
    # libraries loaded (about 0.5 s a batch at 100k applications).
    gc.disable()
    try:
        for content in job.source.read(job.path, job.display, job.spec, tally.stream, size):
            yield _check_batch(job, content, seq, tally, checks)
            size = len(content.records)
            seq += size
            del content  # before the next batch is read: one batch in memory at a time
            if size >= 10_000:  # a small file's few objects wait for the usual collections
                gc.collect(0)
    finally:
        if gc_was_enabled:
            gc.enable()


def _check_batch(
    job: FileJob,
    content: FileContent,
    seq: int,
    tally: Tally,
    checks: list[pd.DataFrame] | None,
) -> Batch:
    """One batch: its typed rows (numbered from `seq` in file order), its quarantine
    rows, its counts into the tally."""
    spec, records = job.spec, content.records
    tally.warnings += content.warnings
    tally.rows_read += len(records)
    if tally.track_mentioned:
        tally.mentioned |= _mentioned(content)
    checked = check_records(spec, records, defer_suite=checks is not None)
    if checks is not None:
        checks.append(checked.check)
    dropped = checked.bad_index
    for p in checked.problems:
        if p.action == DROPPED:
            tally.reasons[(p.field, p.reason)] += 1
            tally.first_at.setdefault((p.field, p.reason), records[p.index].location)
    good = checked.rows.drop(index=list(dropped))
    quarantined = quarantine_records(spec, job.display, records, checked.problems)
    tally.dropped += len(dropped)
    tally.nulled += sum(p.action == NULLED for p in checked.problems)
    tally.flagged += len({p.index for p in checked.problems if p.action == FLAGGED})
    tally.examples += [example(q) for q in quarantined[: max(0, 5 - len(tally.examples))]]
    return good.assign(_seq=good.index + seq), quarantined


def stamped(batches: Iterator[Batch], meta: dict) -> Iterator[Batch]:
    """The batches as the load `meta` stores them: each row with the load's columns
    (`_load_id`, `_source_file`, `_file_hash`, `_loaded_at`), each quarantine row
    with its load id and time."""
    for good, quarantined in batches:
        for row in quarantined:
            row["load_id"], row["quarantined_at"] = meta["_load_id"], meta["_loaded_at"]
        yield good.assign(**meta), quarantined


def example(q: dict) -> str:
    return f"{q['file']} {q['location']}: {q['field'] or 'record'}: {q['reason']} ({q['action']})"


def _mentioned(content: FileContent) -> set[str]:
    """The fields a file (batch) mentions, even as null: a CSV's header, or the records' keys."""
    if content.columns is not None:
        return content.columns
    mentioned: set[str] = set()
    for record in content.records:
        mentioned.update(record.data)
    return mentioned


def _safe_record(spec: EntitySpec, record) -> dict:
    """The record as quarantined: personal data hashed, unparsed text withheld."""
    data = dict(record.data)
    if not spec.has_pii:
        return data
    for key in ("_unparsed_text", "_unparsed_row", "_unparsed_value"):
        if key in data:
            data[key] = f"<{len(str(data[key]))} characters withheld: may hold personal data>"
    for f in spec.fields:
        if f.pii and data.get(f.name) is not None:
            text, _ = pii.plain_value(data[f.name])
            data[f.name] = pii.keyed_hash(f.pii, text) if text else None
    declared = set(spec.field_names)
    if not spec.keep_extra:
        data = {k: v for k, v in data.items() if k in declared or k.startswith("_unparsed")}
    return data


def quarantine_records(
    spec: EntitySpec,
    display: str,
    records,
    problems: list[Problem],
    load_id: str | None = None,
    at: datetime | None = None,
) -> list[dict]:
    """The problems' quarantine rows; without a load, `stamped` gives them theirs."""
    rows = []
    for problem in sorted(problems, key=lambda p: (p.index, p.field or "")):
        record = records[problem.index]
        rows.append(
            {
                "load_id": load_id,
                "source_system": spec.source,
                "entity": spec.name,
                "file": display,
                "line": record.line,
                "location": record.location,
                "field": problem.field,
                "value": None if problem.value is None else str(problem.value),
                "reason": problem.reason,
                "record": _safe_record(spec, record),
                "quarantined_at": at,
                "reason_code": problem.code,
                "action": problem.action,
            }
        )
    return rows


# -- large files, checked in worker processes ---------------------------------------------


@dataclass
class Prepared:
    """A file a worker checked: its tally and its batches, spooled to disk in order."""

    tally: Tally
    spooled: list[Path]
    error: str | None = None  # the file cannot be read (ExportFileError's message)
    note: str | None = None  # said in the loader's log (a file read again as a whole)

    def batches(self) -> Iterator[Batch]:
        for path in self.spooled:
            with path.open("rb") as handle:
                batch = pickle.load(handle)
            path.unlink()
            yield batch


def _prepare(job: FileJob, spool: Path) -> Prepared:
    """In a worker: check the file, spooling each batch. The loader's own rules: a
    stream that breaks after its first batch is read again whole.

    Great Expectations judges the whole file at once, after its batches are typed
    and spooled. When a rule fails there (rare: bad input), the file is checked
    again batch by batch, which names each failing record for the quarantine."""
    spool.mkdir(parents=True)
    note = None
    for stream in (True, False):
        tally = Tally(stream=stream, track_mentioned=True)  # the loader decides if it needs them
        try:
            spooled = _spool(job, spool, tally, whole_file=True)
            if spooled is None:
                tally = Tally(stream=stream, track_mentioned=True)
                spooled = _spool(job, spool, tally, whole_file=False)
        except BatchReadFailed as exc:
            note = f"{job.display}: read again as a whole ({exc})"
            continue
        except ExportFileError as exc:  # its message, not the exception: it pickles badly
            return Prepared(tally, [], error=str(exc), note=note)
        return Prepared(tally, spooled, note=note)
    raise AssertionError("a whole-file read does not raise BatchReadFailed")  # pragma: no cover


def _spool(job: FileJob, spool: Path, tally: Tally, whole_file: bool) -> list[Path] | None:
    """The file's checked batches, pickled in order into `spool`. With `whole_file`,
    the suite runs once at the end; None (nothing kept) when a rule failed."""
    checks: list[pd.DataFrame] | None = [] if whole_file else None
    spooled: list[Path] = []
    try:
        for n, batch in enumerate(checked_batches(job, tally, WORKER_BATCH, checks)):
            spooled.append(spool / f"{n:06d}.pickle")
            with spooled[-1].open("wb") as handle:
                pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
            del batch
        if checks is None or suite_passes(job.spec, checks):
            return spooled
    except BatchReadFailed:
        _unlink(spooled)
        raise
    _unlink(spooled)
    return None


def records_spooled(spool: Path) -> int:
    """About how many records a worker has checked of the file it spools in `spool`:
    a batch is spooled as soon as it is checked, and holds WORKER_BATCH records."""
    try:
        return WORKER_BATCH * sum(1 for _ in spool.glob("*.pickle"))
    except OSError:  # not made yet, or removed meanwhile
        return 0


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink()


def _workers() -> int:
    configured = os.environ.get(WORKERS_ENV)
    if configured is not None and configured.strip().isdigit():
        return int(configured)
    return min(2, os.cpu_count() or 1)


@contextlib.contextmanager
def main_module_hidden():
    """multiprocessing runs the program's main module again in every worker it starts,
    whatever it is: the `hiring` script, a benchmark, a Streamlit page that replaced
    it. A worker needs none of it, so while workers start the main module is a bare one."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@dataclass
class _Queued:
    """A file given to the workers before its source's load began (`queue_file`)."""

    digest: str
    stat: tuple[int, int] | None  # size and modification time when queued (None: unreadable)
    future: Future
    spool: Path


class _Workers:
    """The worker processes of the ingest, started at the first large file, or ahead
    of the ingest (`start_workers_ahead`). Inside `workers_kept` one set serves every
    source of a refresh; otherwise each source starts its own and stops it when done."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self.count_ahead: int | None = None  # workers for a small export, when fewer
        self.ahead = False  # started ahead: their imports are paid, every file goes to them
        self._queued: dict[Path, _Queued] = {}
        self._queued_spool: Path | None = None
        self._queued_count = itertools.count()  # names each file's spool folder

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is not None and getattr(self._executor, "_broken", False):
            self.stop()  # a worker died in an earlier source: that source said so; start anew
        if self._executor is None:
            # spawn, not fork: the loader's process holds DuckDB's and Dagster's threads
            context = multiprocessing.get_context("spawn")
            workers = self.count_ahead or _workers()
            self._executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        return self._executor

    def running(self) -> bool:
        return self._executor is not None and not getattr(self._executor, "_broken", False)

    def submit(self, job: FileJob, spool: Path) -> Future:
        with main_module_hidden():  # a worker may start here
            return self.executor().submit(_prepare, job, spool)

    def queue(self, job: FileJob, digest: str, spool_root: Path | None) -> None:
        if self._queued_spool is None:
            self._queued_spool = _new_spool(spool_root)
        spool = self._queued_spool / str(next(self._queued_count))
        stat = _stat(job.path)
        self._queued[job.path] = _Queued(digest, stat, self.submit(job, spool), spool)

    def queued_digest(self, path: Path) -> str | None:
        queued = self._queued.get(path)
        if queued is None or queued.stat is None or queued.stat != _stat(path):
            return None
        return queued.digest

    def take_queued(self, path: Path, digest: str) -> tuple[Future, Path] | None:
        queued = self._queued.pop(path, None)
        if queued is None or queued.digest != digest or not self.running():
            return None  # not queued, changed since, or lost with a worker that died
        return queued.future, queued.spool

    def stop(self, wait: bool = True) -> None:
        """Stop the workers; without `wait` when nothing they hold is wanted any more:
        a worker tidies up a process full of pandas and Great Expectations as it exits
        (demo: 0.8 s), and dbt need not wait for that."""
        if self._executor is not None:
            broken = getattr(self._executor, "_broken", False)
            self._executor.shutdown(wait=wait and not broken, cancel_futures=True)
            self._executor = None
        self.ahead = False
        self._queued.clear()
        if self._queued_spool is not None:
            shutil.rmtree(self._queued_spool, ignore_errors=True)
            self._queued_spool = None


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


_kept: _Workers | None = None


@contextlib.contextmanager
def workers_kept() -> Iterator[None]:
    """Keep the worker processes from one source to the next (a refresh): each starts
    with about 4 s of imports (Great Expectations, pandas), paid then once, not once
    per source with large files."""
    global _kept
    outer, _kept = _kept, _kept or _Workers()
    try:
        yield
    finally:
        if outer is None:
            _kept.stop()
        _kept = outer


def start_workers_ahead(export_bytes: int | None = None) -> None:
    """Inside `workers_kept`: start the workers now, each importing what checking needs
    (Great Expectations, about 4 s) while this process sets up the refresh (Dagster
    and the dbt project, several seconds on one core). Then every file, small ones
    too, is checked in them while the loader stores: the loader's process never pays
    that import. One worker for an export under `SMALL_EXPORT_BYTES` (unless
    `HIRING_INGEST_WORKERS` says); none with one core, where nothing overlaps."""
    if _kept is None or _workers() == 0 or (os.cpu_count() or 1) < 2:
        return
    small = export_bytes is not None and export_bytes < SMALL_EXPORT_BYTES
    if small and os.environ.get(WORKERS_ENV) is None and not _kept.running():
        _kept.count_ahead = 1
    with main_module_hidden():
        executor = _kept.executor()
        # one task each: a busy worker makes the pool start another
        for _ in range(_kept.count_ahead or _workers()):
            executor.submit(_warm_up)
    _kept.ahead = True


def _warm_up() -> None:
    from orchestration.ingest.validation import prepare

    prepare()


def stop_kept_workers() -> None:
    """The ingest is over: kept workers (about 450 MB each at 1M applications) stop
    now rather than sit idle beside dbt; one more ingest would start them again."""
    if _kept is not None:
        _kept.stop(wait=False)


def queue_file(job: FileJob, digest: str, spool_root: Path | None) -> bool:
    """Inside `workers_kept`, with workers started ahead: give the workers a file of a
    source whose load has not begun, so that they check it while the loader stores
    the sources before (False: no such workers; nothing done). That source's load
    takes the result when its file and digest are the same (`FilePool.submit`); a
    result not taken is discarded when the workers stop."""
    if _kept is None or not _kept.ahead or not _kept.running():
        return False
    _kept.queue(job, digest, spool_root)
    return True


def queued_digest(path: Path) -> str | None:
    """The digest a file was queued with, if it has not changed since (no hashing it twice)."""
    return _kept.queued_digest(path) if _kept is not None else None


SPOOL_PREFIX = "hiring-ingest-"  # then the loader's process id


def remove_abandoned_spools(root: Path) -> None:
    """Remove the spool folders in `root` of loaders that no longer run: a refresh
    killed before it could. A live loader's folder (a source of the same run loaded
    beside, in a Dagster UI run) stays."""
    for folder in root.glob(f"{SPOOL_PREFIX}*-*"):
        pid = folder.name.removeprefix(SPOOL_PREFIX).split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _new_spool(spool_root: Path | None) -> Path:
    """A spool folder named for this loader, in `spool_root` (None: the system's
    temporary folder), once the folders of loaders no longer running are removed."""
    if spool_root is not None:
        spool_root.mkdir(parents=True, exist_ok=True)
        remove_abandoned_spools(spool_root)
    prefix = f"{SPOOL_PREFIX}{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=spool_root))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


class FilePool:
    """Checks the large files of one source ahead, in worker processes; the loader
    takes each file's result in its own order and stores it. Without large files
    (or with one core) it starts nothing and the loader checks every file itself.

    The checked batches are spooled in a folder of `spool_root` (None: the system's
    temporary folder) until stored. A refresh killed outright leaves its folder (a
    few hundred MB at 1M applications): the next pool there removes it."""

    def __init__(self, spool_root: Path | None = None) -> None:
        self._workers = _kept or _Workers()
        self._spool_root = spool_root
        self._spool: Path | None = None
        self._futures: dict[Path, tuple[Future, Path]] = {}  # with its spool folder
        self._count = itertools.count()  # names each file's spool folder

    @staticmethod
    def worth_it(paths: list[Path]) -> set[Path]:
        """Of the files a source will load, those to check in worker processes."""
        if _workers() == 0:
            return set()
        if _kept is not None and _kept.ahead and _kept.running():
            return set(paths)
        sizes = {p: text_size(p) for p in paths}
        large = {p: size for p, size in sizes.items() if size >= FILE_MIN_BYTES}
        return set(large) if sum(large.values()) >= SOURCE_MIN_BYTES else set()

    def submit(self, job: FileJob, digest: str | None = None) -> None:
        """Check the file in a worker, or take its check queued before this load began."""
        taken = self._workers.take_queued(job.path, digest) if digest else None
        if taken is None:
            if self._spool is None:
                self._spool = _new_spool(self._spool_root)
            spool = self._spool / str(next(self._count))
            taken = self._workers.submit(job, spool), spool
        self._futures[job.path] = taken

    def take(
        self,
        path: Path,
        waiting: Callable[[int], None] | None = None,
        every: float = PROGRESS_SECONDS,
    ) -> Prepared | None:
        """The file's checked batches, when a worker has it (waiting for it; meanwhile
        `waiting` is told, every `every` seconds, about how many of its records the
        worker has checked). A worker's unexpected error is raised here, its traceback
        in the error's notes."""
        taken = self._futures.pop(path, None)
        if taken is None:
            return None
        future, spool = taken
        while waiting is not None and not wait([future], timeout=every).done:
            waiting(records_spooled(spool))
        try:
            return future.result()
        except Exception as exc:
            # the worker's traceback arrives as the error's cause, in text; a note
            # keeps it in the log without making it the error's description
            if exc.__cause__ is not None:
                exc.add_note(f"In the worker process:{exc.__cause__}")
                exc.__cause__ = None
            raise

    def close(self) -> None:
        """Stop this source's work. Kept workers go on to the next source, once they
        are done with any file of this one not taken (its spool is removed next)."""
        if self._workers is _kept:
            futures = [future for future, _ in self._futures.values()]
            for future in futures:
                future.cancel()
            wait(futures)
        else:
            self._workers.stop()
        if self._spool is not None:
            shutil.rmtree(self._spool, ignore_errors=True)

    def __enter__(self) -> FilePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
