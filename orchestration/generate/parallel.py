"""Two halves of the work on a 2-core machine: one in a forked process, one here."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection


def beside(there: Callable[[], dict], here: Callable[[], dict]) -> dict:
    """Run `there` in a forked child while `here` runs in this process; return both
    results merged. Fork shares everything built so far without pickling it; only the
    child's (small) result comes back. A failure in either raises here."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=_report, args=(there, send))
    child.start()
    send.close()  # the child holds the sending end now; EOF here means it died
    try:
        mine = here()
    except BaseException:
        child.terminate()
        child.join()
        raise
    try:
        status, theirs = receive.recv()
    except EOFError:
        status, theirs = "failed", f"the process stopped with exit code {child.exitcode}"
    child.join()
    if status != "ok":
        raise RuntimeError(f"The second process failed:\n{theirs}")
    return {**theirs, **mine}


def _report(work: Callable[[], dict], send: Connection) -> None:
    try:
        send.send(("ok", work()))
    except BaseException:
        send.send(("failed", traceback.format_exc()))
    finally:
        send.close()
