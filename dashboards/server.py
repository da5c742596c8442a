"""Run the dashboard as a local web server (what `hiring dashboard --warehouse DIR` calls)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from dashboards.settings import PUBLISHED_DB_ENV

APP = Path(__file__).resolve().parent / "app.py"
CONFIG = APP.parent / ".streamlit" / "config.toml"


def _config_options() -> list[str]:
    """dashboards/.streamlit/config.toml as flags, so it applies from any working directory."""
    config = tomllib.loads(CONFIG.read_text())
    return [
        f"--{section}.{name}={value}"
        for section, options in config.items()
        for name, value in options.items()
    ]


def streamlit_command(published_db: Path, port: int = 8501) -> list[str]:
    """The command that serves the dashboard on 127.0.0.1:`port`.

    `published_db` is not part of the command: Streamlit takes it from the
    environment (`HIRING_PUBLISHED_DB`), which the caller sets.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *_config_options(),
    ]


def serve(published_db: Path, port: int = 8501) -> int:
    """Serve in the foreground until interrupted; returns Streamlit's exit code."""
    env = {**os.environ, PUBLISHED_DB_ENV: str(Path(published_db).resolve())}
    try:
        return subprocess.run(streamlit_command(published_db, port), env=env).returncode
    except KeyboardInterrupt:  # Streamlit got the same Ctrl+C and is shutting down
        return 0
