"""Entry point: `streamlit run dashboards/app.py` (or `hiring dashboard --warehouse DIR`)."""

from __future__ import annotations

import streamlit as st

from dashboards import data, navigation, notices, sidebar

st.set_page_config(page_title="Hiring analytics", page_icon=":material/groups:", layout="wide")

# A page is one more entry in dashboards/navigation.py (dashboards/README.md).
page = st.navigation(
    {
        group: [
            st.Page(
                entry.path,
                title=entry.title,
                icon=entry.icon,
                url_path=entry.url_path or None,  # the first page is the default: "/"
            )
            for entry in entries
        ]
        for group, entries in navigation.GROUPS.items()
    }
)

try:
    sidebar.render(data.snapshot_info(), page)
    page.run()
except data.PublishedDataMissing as missing:
    notices.no_snapshot(missing.path)
except data.PublishedDataUnreadable as error:
    notices.unreadable_snapshot(error)
