"""The dbt project as Dagster sees it: paths, the manifest, and the translator.

dbt reads the warehouse path from `HIRING_WAREHOUSE_DB` (see
dbt_project/profiles.yml); `dbt_env` is the one place that sets it.

Nothing a refresh writes may grow the project folder: per-run artifacts go to
`WAREHOUSE/.dbt/target/<run>` (removed after the run) and dbt's logs to
`WAREHOUSE/.dbt/logs`. Only the shared parsed manifest and each engine's parse
live in `dbt_project/target`, rewritten in place when the project changes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
)
from dagster_dbt.compat import DBT_PYTHON_VERSION

from orchestration.engine import (
    DUCKDB_MEMORY_ENV,
    current_engine,
    duckdb_memory_limit,
    spark_dir,
)
from orchestration.resources import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_executable() -> str:
    """`hiring-dbt` of this environment: dbt that dies with the refresh (dbt_child.py).

    Found beside this Python even when its bin folder is not on PATH; plain
    dbt only when the project's scripts are not installed.
    """
    for name in ("hiring-dbt", "dbt"):
        beside_python = Path(sys.executable).parent / name
        if beside_python.exists():
            return str(beside_python)
    return shutil.which("hiring-dbt") or shutil.which("dbt") or "dbt"


class HiringDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource, without a `dbt --version` process per run nor
    a dbt adapter of its own.

    dagster-dbt asks the dbt executable its version before each run (about two
    seconds). `hiring-dbt` is the dbt-core installed here, whose version
    dagster-dbt has already read at import.
    """

    @cached_property
    def _cli_version(self):
        return DBT_PYTHON_VERSION or super()._cli_version

    def _initialize_dbt_core_adapter(self, args):
        """No dbt adapter in this process: dagster-dbt opens one before each run (about
        1.5 s: dbt's profile, project and adapter plugin) only for the row counts and
        column metadata a definition may ask for, and ours ask for none."""
        return None


def dbt_run_dir(warehouse_db: Path) -> Path:
    """dbt's working folder of one warehouse: `target/` per run and `logs/`."""
    return warehouse_db.parent / ".dbt"


def dbt_env(warehouse_db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HIRING_WAREHOUSE_DB": str(warehouse_db),
        DUCKDB_MEMORY_ENV: duckdb_memory_limit(),
        # the Spark target's tables, raw Parquet and metastore (orchestration/engine.py)
        "HIRING_SPARK_DIR": str(spark_dir(warehouse_db.parent)),
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_LOG_PATH": str(dbt_run_dir(warehouse_db) / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def point_dbt_at(warehouse_db: Path) -> None:
    """dbt runs as a subprocess of this one and inherits its environment."""
    os.environ.update(
        {
            k: v
            for k, v in dbt_env(warehouse_db).items()
            if k.startswith(("HIRING_", "DBT_", "SPARK_"))
        }
    )


def _sources_newer_than(target: Path) -> bool:
    if not target.exists():
        return True
    built = target.stat().st_mtime
    watched = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")
    for name in watched:
        path = DBT_PROJECT_DIR / name
        files = path.rglob("*") if path.is_dir() else [path]
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


def _complete(manifest: Path) -> bool:
    """False for a manifest cut short (a parse killed while writing it)."""
    try:
        json.loads(manifest.read_bytes())
    except ValueError:
        return False
    return True


PARSE_FILE = "partial_parse.msgpack"


def ensure_manifest(warehouse_db: Path) -> Path:
    """Parse the dbt project when its manifest, or the current engine's parse of it,
    is missing or older than its files.

    Dagster needs the manifest to define the dbt assets; `dg dev` prepares it
    itself, the CLI and tests call this first.
    """
    manifest = dbt_project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    parse = project_parse()
    # dbt rewrites the shared manifest in place: refreshes starting together (tests,
    # one per engine) parse one at a time, and none reads a half-written file.
    with (manifest.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _sources_newer_than(manifest) or not _complete(manifest):
            _parse(warehouse_db, manifest.parent)
            _replace(manifest.parent / PARSE_FILE, parse)
        elif _sources_newer_than(parse):  # a current manifest, but no parse for this engine
            with tempfile.TemporaryDirectory(dir=manifest.parent, prefix=".parse-") as run:
                _parse(warehouse_db, Path(run))
                _replace(Path(run) / PARSE_FILE, parse)
    return manifest


def _parse(warehouse_db: Path, target: Path) -> None:
    subprocess.run(
        [dbt_executable(), "parse", "--quiet", "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env=dbt_env(warehouse_db),
        check=True,
    )


def _replace(source: Path, destination: Path) -> None:
    """Copy, so that a copy killed halfway never leaves half a file."""
    partial = destination.with_name(destination.name + ".new")
    shutil.copyfile(source, partial)
    os.replace(partial, destination)


def project_parse(engine: str | None = None) -> Path:
    """The project's parse for an engine (default: the current one). The parse records
    the profile, and dbt parses everything again for a parse of another engine's: with
    one shared parse, a Spark build made every new DuckDB warehouse's first build
    parse the whole project (4-5 s)."""
    engine = engine or current_engine()
    return dbt_project.manifest_path.parent / f"partial_parse.{engine}.msgpack"


def seed_partial_parse(run_target: Path, kept: Path) -> None:
    """Give a run's own target folder a parse, so dbt does not parse again.

    dbt keeps its parse (`partial_parse.msgpack`) in the target folder, and each
    refresh runs in a new one (`WAREHOUSE/.dbt/target/<run>`): without a copy
    every refresh parsed the whole project again (about 3 s). The parse records
    the profile it was made with, the warehouse's path included, and dbt parses
    everything again when that differs. So the warehouse's own parse (`kept`, left
    by its last build: `keep_partial_parse`) comes first, and the project's parse
    for the engine (made by `ensure_manifest` for whichever warehouse) serves a
    warehouse's first build; without it (`dg dev` parses the project itself), the
    project's last parse, which at worst costs the whole parse it would have.
    dbt still checks the copy against the project's files and parses what changed.
    """
    project = project_parse()
    run_target.mkdir(parents=True, exist_ok=True)
    if kept.is_file():
        shutil.copyfile(kept, run_target / PARSE_FILE)
        return
    with (project.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)  # never a copy of a file being rewritten
        for parse in (project, project.parent / PARSE_FILE):
            if parse.is_file():
                shutil.copyfile(parse, run_target / PARSE_FILE)
                return


def keep_partial_parse(run_target: Path, kept: Path) -> None:
    """Keep the parse of a run (made for this warehouse) for the warehouse's next build."""
    parsed = run_target / PARSE_FILE
    if parsed.is_file():
        _replace(parsed, kept)


class HiringDbtTranslator(DagsterDbtTranslator):
    """Model keys are `[layer, model]`; sources map onto the raw ingest assets."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # The source's schema is the raw schema the ingest asset writes.
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return self._layer(dbt_resource_props)

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        if props["resource_type"] == "seed":
            return "mappings"
        fqn = props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else "models"
