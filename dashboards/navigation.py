"""The app's pages, grouped as leaders look for them: one list the app, the screenshots
and the benchmark all read (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).parent / "app_pages"


@dataclass(frozen=True)
class PageEntry:
    file: str  # in app_pages/
    title: str
    icon: str
    url_path: str  # the page's address: http://host/<url_path>; "" for the first (default) page

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file

    @property
    def name(self) -> str:
        return self.file.removesuffix(".py")


GROUPS: dict[str, list[PageEntry]] = {
    "Hiring": [
        PageEntry("overview.py", "Overview", ":material/dashboard:", ""),
        PageEntry("funnel_speed.py", "Funnel & speed", ":material/filter_alt:", "funnel"),
    ],
    "Quality": [
        PageEntry(
            "quality_of_hire.py", "Quality of hire", ":material/workspace_premium:", "quality"
        ),
        PageEntry(
            "candidate_experience.py",
            "Candidate experience",
            ":material/sentiment_satisfied:",
            "candidates",
        ),
        PageEntry("fairness.py", "Fairness", ":material/balance:", "fairness"),
    ],
    "Practices": [
        PageEntry("hiring_managers.py", "Hiring managers", ":material/groups:", "managers"),
        PageEntry("manager.py", "One hiring manager", ":material/person:", "manager"),
        PageEntry("license.py", "License to Hire program", ":material/verified:", "license"),
        PageEntry("interviews.py", "Interviews", ":material/forum:", "interviews"),
    ],
    "Data": [
        PageEntry("data_health.py", "Data health", ":material/monitor_heart:", "data-health"),
    ],
}


def pages() -> list[PageEntry]:
    return [entry for group in GROUPS.values() for entry in group]
