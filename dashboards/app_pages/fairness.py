"""Fairness: selection rates and impact ratios by self-identified group. Layout only."""

from __future__ import annotations

import streamlit as st

from dashboards import chart_specs as specs
from dashboards import charts, components, data, formats, queries, sidebar

scope = sidebar.current_scope()
help_text = data.metric_help("impact_ratio")
as_of = formats.long_date(scope.as_of) if scope.as_of else "the as-of date"

st.title("Fairness")
st.caption(
    f"Whole organization · every application up to {as_of}. Each group's selection rate at"
    " each stage is compared with the highest group's (impact ratio); under 0.8 is flagged"
    " (four-fifths rule), with Fisher's exact test and the shortfall. Candidates who did not"
    " self-identify are their own group, never guessed. The quarter filter does not apply, and"
    " one department, ATS or hiring manager is not shown: cut that finely, most groups would"
    " fall under the minimum group size."
)

dimensions = data.fetch(queries.fairness_dimensions)
if not dimensions:
    st.info(
        "**Fairness**: the snapshot holds no selection rates: no application has been decided"
        " at any stage yet.",
        icon=":material/info:",
    )
else:
    dimension = st.columns([1, 2])[0].selectbox(
        "Self-identified dimension",
        dimensions,
        format_func=formats.dimension_name,
        key="dimension",
        bind="query-params",
        help="As candidates answered the voluntary self-identification questions.",
    )
    grid = specs.SELECTION_GRIDS[dimension]
    labels = ["Groups flagged overall", "Flags at any stage", "Did not self-identify"]
    labels.append("Minimum group size")
    tiles = st.columns(4)
    if grid.unsupported(scope):
        reason = "Kept for the whole organization only: groups would be too small."
        for column, label in zip(tiles, labels, strict=True):
            with column:
                components.unavailable_tile(label, reason, help_text)
    else:
        summary = data.fetch(queries.fairness_summary, dimension)
        min_size = data.min_group_size()
        with tiles[0], st.container(border=True):
            st.metric(
                labels[0], f"{summary.flagged_overall} of {summary.groups_overall}", help=help_text
            )
            st.caption("groups under four-fifths of the highest rate, applied → hired")
        with tiles[1], st.container(border=True):
            st.metric(labels[1], f"{summary.flagged_cells}", help=help_text)
            st.caption(f"{summary.significant_cells} with Fisher's p under 0.05")
        with tiles[2], st.container(border=True):
            shown = summary.not_disclosed_overall
            st.metric(labels[2], formats.MISSING if shown is None else f"{shown:,}", help=help_text)
            if shown is None:  # an intersection: non-response is split across its groups
                st.caption("no single non-response group here: see each dimension alone")
            elif summary.applicants_overall:
                st.caption(
                    f"of {summary.applicants_overall:,} decided applications: their own group"
                )
            else:
                st.caption("decided applications, shown as their own group")
        with tiles[3], st.container(border=True):
            st.metric(
                labels[3],
                formats.MISSING if min_size is None else f"{min_size} applicants",
                help="A group with fewer applicants is not shown, and neither is one that"
                " would give it away by subtraction. Tests and flags still use every applicant.",
            )
            hidden = formats.count(summary.suppressed_cells, "cell", "cells")
            st.caption(f"{hidden} hidden ({formats.fewer_than(min_size, 'applicants')})")

    components.chart(grid, scope, describe=False)
    components.chart(specs.FLAGGED_TABLES[dimension], scope, describe=False)
    if not grid.unsupported(scope):
        with st.expander("Every group at every stage"):
            components.table(
                charts.selection_rows(data.fetch(grid.query, scope)),
                {
                    "stage": "Stage transition",
                    "group_name": "Group",
                    "applicants_n": st.column_config.NumberColumn("Applicants", format="%d"),
                    "passed_n": st.column_config.NumberColumn("Selected", format="%d"),
                    "selection_percent": st.column_config.NumberColumn(
                        "Selection rate", format="%.1f%%"
                    ),
                    "impact_ratio": st.column_config.NumberColumn("Impact ratio", format="%.2f"),
                    "flagged": st.column_config.CheckboxColumn("Under 0.8"),
                    "fisher_p_value": st.column_config.NumberColumn("Fisher's p", format="%.3f"),
                    "shortfall": st.column_config.NumberColumn(
                        "Shortfall", format="%.1f", help="Expected − actual selections"
                    ),
                    "note": "Note",
                },
            )
components.description(help_text)
components.description(data.metric_help("selection_rate"))
