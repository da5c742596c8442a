"""The canonical contract holds: generated files are current, the contract test
catches a staging model that drifts from it, and no model below staging names a
vendor."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration import canonical

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT = PROJECT_ROOT / "dbt_project"

# Vendor names and vendor vocabulary that staging translates into canonical columns.
VENDOR_WORDS = re.compile(
    r"greenhouse|\blever\b|ats_csv|converted|they rejected us|deprecated|'unresolved'|'complete'",
    re.IGNORECASE,
)


def test_generated_macro_is_current():
    assert canonical.MACRO_FILE.read_text() == canonical.render_macro(), (
        "dbt_project/macros/canonical_contract.sql is stale: run `python -m orchestration.canonical`"
    )


def test_generated_doc_is_current():
    assert canonical.DOC_FILE.read_text() == canonical.render_doc(), (
        "docs/canonical-model.md is stale: run `python -m orchestration.canonical`"
    )


def test_every_entity_has_a_unioned_model_and_a_greenhouse_staging_model():
    for entity in canonical.ENTITIES:
        unioned = (
            DBT_PROJECT / "models" / "intermediate" / "unioned" / f"int_{entity.name}_unioned.sql"
        )
        assert unioned.read_text().strip() == f"{{{{ union_canonical('{entity.name}') }}}}"
        staging = (
            DBT_PROJECT / "models" / "staging" / "greenhouse" / f"stg_greenhouse__{entity.name}.sql"
        )
        assert staging.exists(), staging


def test_no_model_below_staging_mentions_a_vendor():
    roots = [DBT_PROJECT / "models" / "intermediate", DBT_PROJECT / "models" / "marts"]
    singular_tests = list((DBT_PROJECT / "tests").glob("*.sql"))
    files = [p for root in roots for p in root.rglob("*") if p.suffix in (".sql", ".yml")]
    hits = [
        f"{path.relative_to(DBT_PROJECT)}:{number}: {line.strip()}"
        for path in files + singular_tests
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if VENDOR_WORDS.search(line)
    ]
    assert not hits, "vendor words below staging:\n" + "\n".join(hits)


# -- the contract test fails naming the model and the column ----------------------------
#
# A minimal dbt project holding this project's macros and generic tests, and
# one probe model shaped like a staging model of `users` that lacks `email` and
# has `created_at` as text. It needs no raw data, so one `dbt build` of one
# view shows what the real contract test reports (stored failures are read back).

PROBE_MODEL = """
select
    'probe:1' as user_id,
    'probe' as source_system,
    'Ada' as user_name,
    cast(null as varchar) as employee_id,
    false as is_disabled,
    '2026-01-01' as created_at
"""

PROBE_YAML = """
version: 2
models:
  - name: stg_probe__users
    data_tests:
      - matches_canonical_contract:
          arguments:
            entity: users
"""

PROBE_PROJECT = """
name: contract_probe
version: "1.0.0"
config-version: 2
profile: contract_probe
model-paths: ["models"]
test-paths: ["tests"]
macro-paths: ["macros"]
flags:
  send_anonymous_usage_stats: false
data_tests:
  +store_failures: true
"""


@pytest.fixture(scope="module")
def probe_failures(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("contract_probe")
    shutil.copytree(DBT_PROJECT / "macros", root / "macros")
    shutil.copytree(DBT_PROJECT / "tests" / "generic", root / "tests" / "generic")
    (root / "models").mkdir()
    (root / "models" / "stg_probe__users.sql").write_text(PROBE_MODEL)
    (root / "models" / "_probe__models.yml").write_text(PROBE_YAML)
    (root / "dbt_project.yml").write_text(PROBE_PROJECT)
    db = root / "probe.duckdb"
    (root / "profiles.yml").write_text(
        f"contract_probe:\n  target: duckdb\n  outputs:\n    duckdb:\n"
        f"      type: duckdb\n      path: '{db}'\n      threads: 1\n"
    )
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(dbt), "build", "--project-dir", str(root), "--profiles-dir", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0, "the contract test passed a model that breaks the contract"
    assert "matches_canonical_contract_stg_probe__users_users" in result.stdout, result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        (schema, table), *_ = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_name like 'matches_canonical_contract%'"
        ).fetchall()
        return [
            row[0] for row in con.execute(f'select problem from "{schema}"."{table}"').fetchall()
        ]


def test_contract_test_names_the_model_and_the_missing_column(probe_failures):
    assert "stg_probe__users: missing column email (string)" in probe_failures


def test_contract_test_names_the_model_and_the_mistyped_column(probe_failures):
    assert any(
        p.startswith("stg_probe__users: column created_at is ")
        and p.endswith("the contract says timestamp")
        for p in probe_failures
    ), probe_failures
    assert len(probe_failures) == 2, probe_failures


def test_contract_test_checks_every_source_s_staging_model_of_every_entity(tmp_path):
    from orchestration.transform import ensure_manifest

    manifest = json.loads(ensure_manifest(tmp_path / "warehouse.duckdb").read_text())
    test = manifest["nodes"][
        "test.hiring_analytics.assert_staging_models_match_the_canonical_contract"
    ]
    checked = {node.rsplit(".", 1)[1] for node in test["depends_on"]["nodes"]}
    assert checked == {
        f"stg_{source}__{entity.name}"
        for source in canonical.ATS_SOURCES
        for entity in canonical.ENTITIES
    }
