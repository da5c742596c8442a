"""One refresh per warehouse at a time: an exclusive lock on WAREHOUSE/.refresh.lock.

DuckDB allows one writing process per file, and two refreshes interleaving their
ingest, dbt and publish steps leave a warehouse nobody can explain. Both doors
take this lock for the whole refresh: the CLI around everything it does, and a
run launched from the Dagster UI through `RefreshLockResource`.

`fcntl.flock` is released by the kernel when its holder dies, even by
`kill -9`, so a crashed refresh never leaves a stale lock behind. The file
holds the PID of the holder, only so that the refused refresh can name it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_FILE = ".refresh.lock"

# Held locks of this process, so that a run launched by the CLI (which already
# holds the lock) can take it again: flock on a second descriptor would refuse.
_held: dict[Path, int] = {}


class WarehouseBusy(Exception):
    """Another process holds the warehouse's refresh lock."""

    def __init__(self, warehouse_dir: Path, holder: str) -> None:
        self.warehouse_dir = warehouse_dir
        self.holder = holder
        super().__init__(
            f"another refresh (PID {holder}) holds the warehouse {warehouse_dir};"
            " wait for it to finish, or run `hiring refresh --wait`"
        )


def lock_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir).resolve() / LOCK_FILE


@contextlib.contextmanager
def warehouse_lock(
    warehouse_dir: Path,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    poll_seconds: float = 1.0,
) -> Iterator[Path]:
    """Hold the warehouse's refresh lock; raise `WarehouseBusy` unless `wait`.

    While waiting, `on_wait` is called with the holder's PID once, then every
    30 seconds, so a person sees why nothing happens.
    """
    path = lock_path(warehouse_dir)
    if path in _held:
        _held[path] += 1
        try:
            yield path
        finally:
            _held[path] -= 1
        return

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        last_said = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _read_holder(fd)
                if not wait:
                    raise WarehouseBusy(path.parent, holder) from None
                if on_wait and (last_said is None or time.monotonic() - last_said >= 30):
                    on_wait(holder)
                    last_said = time.monotonic()
                time.sleep(poll_seconds)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[path] = 1
        try:
            yield path
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # the PID of a finished refresh would mislead
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def running_refresh(warehouse_dir: Path) -> str | None:
    """The PID of the refresh that holds the warehouse now, without touching its lock: the
    holder writes its PID into the lock file and clears it when done (a killed one's PID
    stays, but names no live process)."""
    try:
        pid = lock_path(warehouse_dir).read_text().strip()
    except OSError:
        return None
    if not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, another user's
        pass
    return pid


def _read_holder(fd: int) -> str:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return text or "unknown"
