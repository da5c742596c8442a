"""What the dashboard takes from its environment. Kept free of Streamlit imports so the CLI
can read it without starting a Streamlit runtime."""

from __future__ import annotations

import os
from pathlib import Path

PUBLISHED_DB_ENV = "HIRING_PUBLISHED_DB"


def published_path() -> Path | None:
    """The published snapshot to read, or None when the variable is unset."""
    value = os.environ.get(PUBLISHED_DB_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None
