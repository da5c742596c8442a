"""What a page shows instead of numbers: no snapshot yet, an unreadable one, or no data in scope."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards.settings import PUBLISHED_DB_ENV

REFRESH_COMMAND = "hiring refresh --exports DIR --warehouse DIR"


def no_snapshot(path: Path | None) -> None:
    st.title("Hiring analytics")
    where = f"`{path}`" if path else f"the path in `{PUBLISHED_DB_ENV}`"
    st.info(
        f"No published data yet: nothing at {where}.\n\n"
        "Load the ATS and HR exports and publish a snapshot with:",
        icon=":material/hourglass_empty:",
    )
    st.code(REFRESH_COMMAND, language="bash")
    st.caption("Then reload this page. The dashboard reads `DIR/published.duckdb`.")


def unreadable_snapshot(error: Exception) -> None:
    st.title("Hiring analytics")
    st.error(
        "The published snapshot could not be read, so no numbers are shown. "
        "Run the refresh again; if it keeps failing, send this message to the data team.",
        icon=":material/error:",
    )
    st.code(str(error), language=None)


def no_data(chart_title: str, reason: str) -> None:
    """Stands in for a chart whose scope holds no rows, so an empty axis is never shown."""
    st.info(f"**{chart_title}**: {reason}", icon=":material/info:")


def not_published(chart_title: str, reason: str) -> None:
    """Stands in for a chart whose numbers the snapshot does not hold yet (never made up here)."""
    st.info(
        f"**{chart_title}**: not in the published snapshot yet: {reason}", icon=":material/block:"
    )
