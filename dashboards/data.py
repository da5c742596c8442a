"""The app's door to the published snapshot: `dashboards.queries` behind a cache.

Pages never touch DuckDB or SQL: they ask `fetch(queries.some_query, scope)` (or
a chart spec does it for them). The query functions are plain and take a
connection, so the slide export runs the same ones without Streamlit; this
module only adds the shared connection and the result cache.

The snapshot is replaced by an atomic rename after each refresh, and DuckDB
keeps one database instance per path per process: a new `connect()` while any
connection to the path is still open returns the old data. So one connection is
shared, and it is closed and reopened whenever the file's identity (inode +
mtime) changes; cached results are keyed on that identity as well.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboards import formats, queries
from dashboards.queries import OpenOpenings, QuarterOverQuarter, SnapshotInfo  # noqa: F401
from dashboards.scope import (  # noqa: F401  (re-exported: pages and tests name them here)
    ALL_DEPARTMENTS,
    ALL_MANAGERS,
    ALL_SOURCES,
    TREND_QUARTERS,
    Scope,
)
from dashboards.settings import PUBLISHED_DB_ENV, published_path

MIN_GROUP_SIZE = 5  # only for suppress_small_groups' default; pages read the snapshot's
RESULT_TTL = timedelta(minutes=10)

FileIdentity = tuple[int, int]
T = TypeVar("T")


class PublishedDataMissing(Exception):
    """No published snapshot at the configured path (no refresh has run yet)."""

    def __init__(self, path: Path | None) -> None:
        where = path if path else f"${PUBLISHED_DB_ENV} (unset)"
        super().__init__(f"no published snapshot at {where}")
        self.path = path


class PublishedDataUnreadable(Exception):
    """The snapshot exists but cannot be read as the warehouse contract describes."""


# --- connection -------------------------------------------------------------


def file_identity(path: Path) -> FileIdentity:
    """Changes whenever a refresh renames a new snapshot over the file."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


class _SnapshotConnection:
    """The process's one read-only connection, reopened when the file is replaced."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._opened: tuple[Path, FileIdentity] | None = None

    def call(self, path: Path, identity: FileIdentity, function: Callable, args: tuple) -> Any:
        # Queries run one at a time under the lock: a query still running on the old file
        # would keep its database instance alive, and the reconnect would get the old data.
        with self._lock:
            if self._opened != (path, identity):
                self._close()
                self._connection = duckdb.connect(str(path), read_only=True)
                self._opened = (path, identity)
            return function(self._connection, *args)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._opened = None


@st.cache_resource(show_spinner=False)
def _snapshot_connection() -> _SnapshotConnection:
    return _SnapshotConnection()


@st.cache_data(ttl=RESULT_TTL, show_spinner=False)
def _cached_call(
    name: str, _function: Callable, args: tuple, path: Path, identity: FileIdentity
) -> Any:
    # `name` keys the cache on the function; `_function` itself is not hashed.
    return _snapshot_connection().call(path, identity, _function, args)


def fetch(function: Callable[..., T], *args: Any) -> T:
    """`function(connection, *args)` on the current snapshot, cached per file version.

    `function` is a query from `dashboards.queries` (or any plain function of a
    connection); `args` must be hashable values such as a `Scope`.
    """
    path = published_path()
    if path is None or not path.is_file():
        raise PublishedDataMissing(path)
    name = f"{function.__module__}.{function.__qualname__}"
    try:
        return _cached_call(name, function, tuple(args), path, file_identity(path))
    except (duckdb.Error, OSError) as error:
        raise PublishedDataUnreadable(f"{path}: {error}") from error


def uncached_runner() -> Callable[..., Any]:
    """`run(function, *args)` on the current snapshot, uncached, callable from any thread.

    For work done after the script has run, such as a download's data callable, where
    Streamlit's cache is not available. It shares the one connection (and its lock).
    """
    holder = _snapshot_connection()

    def run(function: Callable[..., T], *args: Any) -> T:
        path = published_path()
        if path is None or not path.is_file():
            raise PublishedDataMissing(path)
        return holder.call(path, file_identity(path), function, args)

    return run


def published_folder_name() -> str | None:
    """The snapshot's folder name: the deck's company name (`deck.company_name`)."""
    path = published_path()
    return path.parent.name if path else None


def _sql(con: duckdb.DuckDBPyConnection, sql: str, params: tuple) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Ad-hoc parameterized SQL on the current snapshot (prefer a function in `queries`)."""
    return fetch(_sql, sql, tuple(params))


# --- metric descriptions ------------------------------------------------------

METRIC_HELP_FALLBACK = "No description of this metric in the snapshot: see docs/metrics.md."


def metric_help(metric: str) -> str:
    """The one description of a metric (`time_to_hire`, ...), as markdown.

    It is the metric's dbt docs block `metric_<metric>`, which the publish step
    copies into meta_metric_docs. Pages show it as help text and never write
    a definition of their own. A snapshot without the table (published before
    it existed) or without the metric gets a short fallback instead.
    """
    try:
        description = fetch(queries.metric_description, metric)
    except PublishedDataUnreadable:
        return METRIC_HELP_FALLBACK
    return description or METRIC_HELP_FALLBACK


# --- snapshot metadata and filter options -------------------------------------


def snapshot_info() -> SnapshotInfo:
    info = fetch(queries.snapshot_info)
    if info is None:
        raise PublishedDataUnreadable("meta_as_of is empty")
    return info


def departments() -> list[str]:
    return fetch(queries.departments)


def source_systems() -> list[str]:
    return fetch(queries.source_systems)


def hiring_managers() -> list[str]:
    return fetch(queries.hiring_managers)


def manager_names() -> dict[str, str]:
    return fetch(queries.manager_names)


def quarters(as_of: date) -> list[date]:
    return fetch(queries.quarters, as_of)


def min_group_size() -> int | None:
    """The snapshot's minimum group size; None when it cannot say (see queries)."""
    try:
        return fetch(queries.min_group_size)
    except PublishedDataUnreadable:
        return None


# --- minimum group size -----------------------------------------------------


def suppress_small_groups(
    frame: pd.DataFrame,
    n_column: str,
    value_columns: list[str],
    min_size: int = MIN_GROUP_SIZE,
) -> pd.DataFrame:
    """Blank the values of every row whose group has fewer than `min_size` people.

    The row stays, with `suppressed` set, so a page can say "fewer than 5"
    instead of silently dropping the group. Tables published with their own
    `is_suppressed` flag (kpi_candidate_nps) are already suppressed in the data.
    """
    result = frame.copy()
    small = result[n_column] < min_size
    result[value_columns] = result[value_columns].astype("Float64").mask(small, pd.NA)
    result["suppressed"] = small
    return result


def fewer_than_label(min_size: int | None = MIN_GROUP_SIZE, unit: str = "") -> str:
    """'fewer than 5' (or 'fewer than 5 responses'); without a known minimum, say so."""
    return formats.fewer_than(min_size, unit)
