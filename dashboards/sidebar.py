"""The filters every page shares, rendered once by the entry point."""

from __future__ import annotations

import streamlit as st

from dashboards import data, formats
from dashboards.periods import quarter_label, quarter_start

DEPARTMENT_KEY = "department"
SOURCE_KEY = "source_system"
QUARTER_KEY = "quarter"


def render(info: data.SnapshotInfo) -> None:
    """Department, ATS and quarter filters, then how fresh the numbers are."""
    with st.sidebar:
        st.selectbox("Department", data.departments(), key=DEPARTMENT_KEY)
        st.selectbox(
            "ATS",
            data.source_systems(),
            key=SOURCE_KEY,
            help="The applicant tracking system the numbers come from. All ATSs is the"
            " whole company, whichever ATS each team hires on.",
        )
        quarters = data.quarters(info.as_of_date)
        st.selectbox(
            "Quarter",
            quarters,
            index=quarters.index(quarter_start(info.as_of_date)),
            format_func=quarter_label,
            key=QUARTER_KEY,
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
        as_of=data.snapshot_info().as_of_date,
    )
