"""Entry point: `streamlit run dashboards/app.py` (or `hiring dashboard --warehouse DIR`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import data, notices, sidebar

PAGES_DIR = Path(__file__).parent / "app_pages"

st.set_page_config(page_title="Hiring analytics", page_icon=":material/groups:", layout="wide")

# Grouped as leaders look for them; a page is one more line in its group
# (dashboards/README.md).
page = st.navigation(
    {
        "Hiring": [
            st.Page(PAGES_DIR / "overview.py", title="Overview", icon=":material/dashboard:"),
            st.Page(
                PAGES_DIR / "funnel_speed.py",
                title="Funnel & speed",
                icon=":material/filter_alt:",
                url_path="funnel",
            ),
        ],
        "Quality": [
            st.Page(
                PAGES_DIR / "quality_of_hire.py",
                title="Quality of hire",
                icon=":material/workspace_premium:",
                url_path="quality",
            ),
            st.Page(
                PAGES_DIR / "candidate_experience.py",
                title="Candidate experience",
                icon=":material/sentiment_satisfied:",
                url_path="candidates",
            ),
            st.Page(
                PAGES_DIR / "fairness.py",
                title="Fairness",
                icon=":material/balance:",
                url_path="fairness",
            ),
        ],
        "Practices": [
            st.Page(
                PAGES_DIR / "hiring_managers.py",
                title="Hiring managers",
                icon=":material/groups:",
                url_path="managers",
            ),
            st.Page(
                PAGES_DIR / "manager.py",
                title="One hiring manager",
                icon=":material/person:",
                url_path="manager",
            ),
        ],
        "Data": [
            st.Page(
                PAGES_DIR / "data_health.py",
                title="Data health",
                icon=":material/monitor_heart:",
                url_path="data-health",
            ),
        ],
    }
)

try:
    sidebar.render(data.snapshot_info(), page)
    page.run()
except data.PublishedDataMissing as missing:
    notices.no_snapshot(missing.path)
except data.PublishedDataUnreadable as error:
    notices.unreadable_snapshot(error)
