"""Errors that keep their cause: the innermost exception, said in one line.

A failing step is reported by Dagster as `Error occurred while executing op
...`, with the exception that really happened chained below it. People need
that innermost one, with the data file and line or byte it names, and the
place in the code that raised it for a bug report. The full traceback stays in
the refresh log.
"""

from __future__ import annotations

import re
import traceback
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the error info of Dagster events (dagster_shared.error)
    from dagster_shared.error import SerializableErrorInfo

# `File "/abs/path/module.py", line 12, in function`
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')


def describe_exception(exc: BaseException) -> str:
    """`Type: message (at module.py line N)` of the innermost chained exception."""
    while (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    frames = [(f.filename, f.lineno) for f in traceback.extract_tb(exc.__traceback__)]
    return f"{type(exc).__name__}: {exc}{_where(frames)}"


def describe_error_info(error: SerializableErrorInfo) -> str:
    """The same for an error recorded in a Dagster event (`.cause` / `.context` chain).

    A deliberate `dagster.Failure` already says what failed in words, so its
    class name and code location are left out.
    """
    while (inner := error.cause or error.context) is not None:
        error = inner
    message = error.message.strip()
    name = error.cls_name or ""
    # format_exception_only writes `module.Class: message`; keep the message only
    prefix, sep, rest = message.partition(": ")
    if sep and prefix.split(".")[-1] == name:
        message = rest
    if name == "Failure":
        return message
    frames = [(m["file"], m["line"]) for m in map(_FRAME.search, error.stack) if m]
    where = _where(frames)
    return f"{name}: {message}{where}" if name else message + where


def _where(frames: list[tuple[str, object]]) -> str:
    """The innermost frame in this project's code (else the innermost): where to look."""
    if not frames:
        return ""
    ours = [f for f in frames if "/orchestration/" in f[0].replace("\\", "/")]
    file, line = (ours or frames)[-1]
    return f" (at {_short(file)} line {line})"


def _short(path: str) -> str:
    """`orchestration/ingest/readers.py` rather than the whole site-packages path."""
    parts = path.replace("\\", "/").split("/")
    for anchor in ("orchestration", "dagster_dbt", "dagster", "dbt", "duckdb"):
        if anchor in parts:
            return "/".join(parts[parts.index(anchor) :])
    return parts[-1]
