"""Data health: what the numbers rest on (refreshes, files, quarantine, checks). Layout only."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import components, data, formats, queries, sidebar

scope = sidebar.current_scope()
info = data.snapshot_info()

st.title("Data health")
st.caption(
    "What every page rests on: the refreshes, the export files behind this snapshot, the rows"
    " set aside and the checks that ran. The filters do not apply here: this page describes"
    " the whole snapshot. Names of files and checks and counts only: no candidate data."
)

summary = data.fetch(queries.health_summary)
tiles = st.columns(4)
with tiles[0], st.container(border=True):
    st.metric(
        "As-of date",
        formats.long_date(info.as_of_date),
        help="Every number counts events up to the end of this day (UTC).",
    )
    refreshed = formats.timestamp(info.published_at) if info.published_at else formats.MISSING
    latest = (
        formats.long_date(info.latest_event_date) if info.latest_event_date else formats.MISSING
    )
    st.caption(f"Latest event {latest} · refreshed {refreshed}")
with tiles[1], st.container(border=True):
    st.metric("Files in the snapshot", f"{summary.files}")
    unchanged = summary.files - summary.files_this_refresh
    st.caption(f"{summary.files_this_refresh} loaded by the latest refresh, {unchanged} unchanged")
with tiles[2], st.container(border=True):
    st.metric(
        "Rows quarantined",
        f"{summary.rows_quarantined:,}",
        help="Records not loaded because a required field or the record itself failed"
        " validation; each is kept in the warehouse with its file, line and reason.",
    )
    st.caption("records of these files not loaded")
with tiles[3], st.container(border=True):
    passed = summary.checks - summary.checks_warned - summary.checks_failed
    st.metric("Checks passed", f"{passed} of {summary.checks}")
    st.caption(f"{summary.checks_warned} warned · {summary.checks_failed} failed")

if summary.sources:
    names = [
        formats.source_name(s) + ("" if s in formats.NOT_AN_ATS else " (ATS)")
        for s in summary.sources
    ]
    st.markdown(f"**Fed by:** {' · '.join(names)}")

components.chart(specs.REFRESH_HISTORY, scope, describe=False)
with st.expander("Every refresh"):
    components.table(
        data.fetch(queries.refresh_history, scope),
        {
            "refreshed_at": st.column_config.DatetimeColumn(
                "When (UTC)", format="D MMM YYYY, HH:mm"
            ),
            "outcome": "Outcome",
            "failed_step": "Failed step",
            "as_of_date": st.column_config.DateColumn("As of", format="D MMM YYYY"),
            "files_loaded": st.column_config.NumberColumn("Files loaded", format="%d"),
            "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="localized"),
            "rows_quarantined": st.column_config.NumberColumn(
                "Rows quarantined", format="localized"
            ),
            "load_id": "Load id",
        },
    )

components.chart(specs.ROWS_BY_FILE, scope, describe=False)
with st.expander("Every file behind the snapshot"):
    components.table(
        data.fetch(queries.loaded_files, scope),
        {
            "file": "File",
            "source_system": "Source",
            "entity": "Entity",
            "kind": "Kind",
            "loaded_this_refresh": st.column_config.CheckboxColumn("Loaded by the latest refresh"),
            "loaded_at": st.column_config.DatetimeColumn(
                "Loaded (UTC)", format="D MMM YYYY, HH:mm"
            ),
            "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="localized"),
            "rows_quarantined": st.column_config.NumberColumn("Quarantined", format="localized"),
            "fields_nulled": st.column_config.NumberColumn("Fields nulled", format="localized"),
            "rows_flagged": st.column_config.NumberColumn("Rows flagged", format="localized"),
            "duplicates": st.column_config.NumberColumn("Duplicates", format="localized"),
        },
    )

components.chart(specs.QUARANTINE_BY_REASON, scope, describe=False)
components.table(
    data.fetch(queries.quarantine_by_reason, scope),
    {
        "file": "File",
        "entity": "Entity",
        "field": "Field",
        "reason_code": "Reason",
        "action": st.column_config.TextColumn(
            "Action",
            help="dropped: not loaded · nulled: loaded without the field · flagged:"
            " loaded with a warning",
        ),
        "rows": st.column_config.NumberColumn("Rows", format="localized"),
        "last_seen_at": st.column_config.DatetimeColumn("Last seen (UTC)", format="D MMM YYYY"),
    },
)

components.chart(specs.CHECK_RESULTS, scope, describe=False)
checks = data.fetch(queries.check_results, scope)
check_columns = {
    "status": "Status",
    "check_type": "Kind",
    "check_name": "Check",
    "target": "On",
    "meaning": st.column_config.TextColumn("What it checks", width="large"),
    "failing_rows": st.column_config.NumberColumn("Failing rows", format="localized"),
}
# The checks to look at, each with its whole sentence (a table cell would cut it short).
for check in checks[checks["status"] != "pass"].itertuples():
    st.markdown(f"- **{check.status}** · {formats.check_line(check, code=lambda s: f'`{s}`')}")
with st.expander("Every check"):
    components.table(checks, check_columns)
components.description(data.metric_help("data_freshness"))
