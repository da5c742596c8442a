"""The filters every page shares, rendered once by the entry point and kept in the URL.

Each filter is bound to a query parameter (its key), so a view pasted in a chat
opens with the same department, ATS, hiring manager and quarter; a filter at its
default is left out of the URL. Reset puts every filter back to its default.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards import data, formats
from dashboards.periods import quarter_label, quarter_start

DEPARTMENT_KEY = "department"
SOURCE_KEY = "ats"
MANAGER_KEY = "manager"
QUARTER_KEY = "quarter"
URL = "query-params"


def _reset(default_quarter: date) -> None:
    """Every filter back to its default; bound filters at their default leave the URL."""
    st.session_state[DEPARTMENT_KEY] = data.ALL_DEPARTMENTS
    st.session_state[SOURCE_KEY] = data.ALL_SOURCES
    st.session_state[MANAGER_KEY] = data.ALL_MANAGERS
    st.session_state[QUARTER_KEY] = default_quarter


def render(info: data.SnapshotInfo) -> None:
    """Quarter, department, ATS and hiring manager filters, a reset, then data freshness."""
    default_quarter = quarter_start(info.as_of_date)
    with st.sidebar:
        quarters = data.quarters(info.as_of_date)
        st.selectbox(
            "Quarter",
            quarters,
            index=quarters.index(default_quarter),
            format_func=quarter_label,
            key=QUARTER_KEY,
            bind=URL,
        )
        st.selectbox("Department", data.departments(), key=DEPARTMENT_KEY, bind=URL)
        st.selectbox(
            "ATS",
            data.source_systems(),
            key=SOURCE_KEY,
            bind=URL,
            help="The applicant tracking system the numbers come from. All ATSs is the"
            " whole company, whichever ATS each team hires on.",
        )
        st.selectbox(
            "Hiring manager",
            data.hiring_managers(),
            key=MANAGER_KEY,
            bind=URL,
            help="Pseudonymous ids, as the snapshot holds them. Numbers only kept by"
            " department and ATS say so instead of showing the whole company.",
        )
        st.button(
            "Reset filters",
            icon=":material/restart_alt:",
            on_click=_reset,
            args=(default_quarter,),
            help="Back to all departments, ATSs and hiring managers in the latest quarter."
            " The address bar holds the filters: copy it to share this view.",
        )
        st.divider()
        st.markdown("**Data freshness**")
        st.caption(f"Data as of {formats.long_date(info.as_of_date)}")
        if info.published_at is not None:
            st.caption(f"Refreshed {formats.timestamp(info.published_at)}")


def current_scope() -> data.Scope:
    """The scope chosen in the sidebar on this run."""
    return data.Scope(
        department=st.session_state[DEPARTMENT_KEY],
        quarter=st.session_state[QUARTER_KEY],
        source_system=st.session_state.get(SOURCE_KEY, data.ALL_SOURCES),
        hiring_manager=st.session_state.get(MANAGER_KEY, data.ALL_MANAGERS),
        as_of=data.snapshot_info().as_of_date,
    )
