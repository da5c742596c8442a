"""The filters every page shares, rendered once by the entry point and kept in the URL.

Each filter is bound to a query parameter (its key), so a view pasted in a chat
opens with the same department, ATS, hiring manager and quarter; a filter at its
default is left out of the URL. Reset puts every filter back to its default.
"""

from __future__ import annotations

import html

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboards import components, data, formats
from dashboards.periods import quarter_label, quarter_start

DEPARTMENT_KEY = "department"
SOURCE_KEY = "ats"
MANAGER_KEY = "manager"
QUARTER_KEY = "quarter"
URL = "query-params"


def render(info: data.SnapshotInfo, page: StreamlitPage | None = None) -> None:
    """Quarter, department, ATS and hiring manager filters, a reset, then data freshness.

    `page` is the page being shown: Reset opens it again without a query string. (A
    callback setting the widgets back left the old parameters in the address bar in
    Streamlit 1.67, so a link copied after a reset opened the old view.)
    """
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
        names = data.manager_names()
        st.selectbox(
            "Hiring manager",
            data.hiring_managers(),
            format_func=lambda manager: names.get(manager, manager),
            key=MANAGER_KEY,
            bind=URL,
            help="Managers are listed by name, as the ATS names them. Numbers only kept"
            " by department and ATS say so instead of showing the whole company.",
        )
        st.markdown(reset_link(page), unsafe_allow_html=True)
        st.caption(
            "The address bar holds these filters: copy it to share this view.",
        )
        components.deck_download(current_scope())
        st.divider()
        st.markdown("**Data freshness**")
        st.caption(f"Data as of {formats.as_of(info.as_of_date, info.latest_event_date)}")
        if info.published_at is not None:
            st.caption(f"Refreshed {formats.timestamp(info.published_at)}")


def reset_link(page: StreamlitPage | None) -> str:
    """A link to the page without a query string: every filter back to its default."""
    href = f"./{page.url_path}" if page is not None else "./"
    return f'<a href="{html.escape(href)}" target="_self" class="hiring-reset">↺ Reset filters</a>'


def current_scope() -> data.Scope:
    """The scope chosen in the sidebar on this run."""
    manager = st.session_state.get(MANAGER_KEY, data.ALL_MANAGERS)
    return data.Scope(
        department=st.session_state[DEPARTMENT_KEY],
        quarter=st.session_state[QUARTER_KEY],
        source_system=st.session_state.get(SOURCE_KEY, data.ALL_SOURCES),
        hiring_manager=manager,
        as_of=data.snapshot_info().as_of_date,
        manager_name=data.manager_names().get(manager),
    )
