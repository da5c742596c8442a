"""The statistics step's settings, read from the dbt project's `vars` so one value rules.

The dbt models and this step must agree on the minimum group size (and the program
effect's settings), so both read `dbt_project/dbt_project.yml`; an explicit argument
overrides the file (tests, one-off runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parents[2] / "dbt_project" / "dbt_project.yml"


def dbt_var(name: str, default: Any = None, project_file: Path = DBT_PROJECT_FILE) -> Any:
    """The value of `vars.<name>` in dbt_project.yml, or `default` when it is absent or null."""
    with open(project_file, encoding="utf-8") as f:
        project = yaml.safe_load(f) or {}
    value = (project.get("vars") or {}).get(name)
    return default if value is None else value
