"""One description per metric: each metric of docs/metrics.md has one dbt docs block.

How docs/metrics.md names its metrics (the rule this test reads):

- every **bold** term of a paragraph that opens with a bold term is a metric
  ("**Time to hire** (per hired application, days): ..."; "**Impact ratio**"
  further in the selection rate's paragraph is one too). List items ("- **Time.**"
  in Conventions, the choices in the marts) open with "- ", not with a bold
  term, and name none;
- a `##` section with no such paragraph is one metric named by its heading
  ("Quality of hire", "Manager hiring impact"; an aside in parentheses at its end
  is not part of the name), except "Conventions" and the
  sections of choices made in the marts ("<metrics>: choices in the mart(s)").

A metric's block is `metric_<slug>`, the slug being its name in lower case with
every run of other characters than letters and digits as one `_` ("Pass-through
rate" -> `metric_pass_through_rate`). Blocks live in `_<folder>__docs.md` files
beside the models using them; a block is used when a model's YAML `description`
(or one of its columns') calls `doc("metric_<slug>")`.

The test fails when a metric has no block, when a `metric_*` block is used by no
model, or when a block is defined twice. It reads the files only: no warehouse,
no dbt.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent

METRICS_DOC = PROJECT_ROOT / "docs" / "metrics.md"
MODELS_DIR = PROJECT_ROOT / "dbt_project" / "models"

NOT_METRICS = re.compile(r"^Conventions$|: choices in the marts?$")

# Blocks written in folders other work adds (marts/managers/, marts/program/):
# accepted as existing until they are in this tree, then checked like any other.
WRITTEN_ELSEWHERE = {"metric_manager_hiring_impact", "metric_program_effect"}

BLOCK = re.compile(r"{%-?\s*docs\s+(metric_\w+)\s*-?%}")
DOC_CALL = re.compile(r"""doc\(\s*["'](metric_\w+)["']\s*\)""")
BOLD = re.compile(r"\*\*([^*]+?)\*\*")


def slug(name: str) -> str:
    return "metric_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def metrics_of(markdown: str) -> dict[str, str]:
    """The metrics docs/metrics.md defines: block name -> the name as written."""
    found: dict[str, str] = {}
    sections = re.split(r"^## +(.+)$", markdown, flags=re.M)
    for heading, body in zip(sections[1::2], sections[2::2], strict=True):
        section = body.split("\n### ", 1)[0]  # a ### subsection is a note, not a metric
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", section)]
        terms = [
            term.strip()
            for paragraph in paragraphs
            if paragraph.startswith("**")
            for term in BOLD.findall(paragraph)
        ]
        if not terms and not NOT_METRICS.search(heading.strip()):
            # "Program effect (do the practices work here?)": the name is before the aside
            terms = [re.sub(r"\s*\(.*\)$", "", heading.strip())]
        for term in terms:
            found[slug(term)] = term
    return found


def blocks_defined() -> dict[str, list[Path]]:
    defined: dict[str, list[Path]] = {}
    for path in sorted(MODELS_DIR.rglob("*.md")):
        for name in BLOCK.findall(path.read_text()):
            defined.setdefault(name, []).append(path.relative_to(MODELS_DIR))
    return defined


def _descriptions(entry: dict) -> list[str]:
    texts = [entry.get("description") or ""]
    texts += [column.get("description") or "" for column in entry.get("columns") or []]
    return texts


def blocks_used() -> dict[str, set[str]]:
    """Block name -> the models whose description or a column's calls it."""
    used: dict[str, set[str]] = {}
    for path in sorted(MODELS_DIR.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            for text in _descriptions(model):
                for name in DOC_CALL.findall(text):
                    used.setdefault(name, set()).add(model["name"])
    return used


def test_the_rule_finds_the_metrics_of_the_contract():
    metrics = metrics_of(METRICS_DOC.read_text())
    # Spot checks that the rule reads docs/metrics.md as intended.
    for expected in (
        "metric_time_to_hire",
        "metric_open_opening_age",
        "metric_pass_through_rate",
        "metric_quality_of_hire",
        "metric_candidate_nps",
        "metric_retrospective_done",
        "metric_manager_hiring_impact",
        "metric_impact_ratio",
    ):
        assert expected in metrics
    assert not {"metric_time", "metric_as_of", "metric_conventions"} & set(metrics)


def test_the_rule_on_a_small_contract():
    markdown = (
        "# Title\n\n## Conventions\n\n- **Time.** UTC.\n\n"
        "## Speed\n\n**Time to hire** (days): x. Shown as **open age**.\n"
        "- *Applied* is y.\n\n## Quality\n\nPer hire, a score.\n- **not a metric**\n\n"
        "### A note\n\n**Not one either**: a subsection.\n"
    )
    assert metrics_of(markdown) == {
        "metric_time_to_hire": "Time to hire",
        "metric_open_age": "open age",
        "metric_quality": "Quality",
    }


def test_every_metric_of_the_contract_has_a_docs_block():
    defined = set(blocks_defined()) | WRITTEN_ELSEWHERE
    missing = {
        name: term
        for name, term in metrics_of(METRICS_DOC.read_text()).items()
        if name not in defined
    }
    assert not missing, (
        f"metrics of docs/metrics.md without a {{% docs %}} block: {missing}; "
        "add one to the _<folder>__docs.md beside the models that compute them"
    )


def test_every_metric_block_is_used_by_a_model():
    used = blocks_used()
    unused = sorted(name for name in blocks_defined() if name not in used)
    assert not unused, f"metric docs blocks no model's YAML description uses: {unused}"


def test_every_used_block_exists():
    defined = set(blocks_defined()) | WRITTEN_ELSEWHERE
    unknown = {
        name: sorted(models) for name, models in blocks_used().items() if name not in defined
    }
    assert not unknown, f"doc() calls naming no metric block: {unknown}"


def test_each_block_is_defined_once():
    twice = {name: paths for name, paths in blocks_defined().items() if len(paths) > 1}
    assert not twice, twice


@pytest.mark.parametrize("name", sorted(blocks_defined()))
def test_each_block_opens_with_its_metric_in_bold(name):
    """The bold opening is the title the snapshot and the dashboards show."""
    text = (MODELS_DIR / blocks_defined()[name][0]).read_text()
    body = re.search(r"{%-?\s*docs\s+" + name + r"\s*-?%}\s*(.*?){%", text, re.S).group(1)
    title = BOLD.match(body)
    assert title and slug(title.group(1)) == name, f"{name} opens with {body[:40]!r}"


def test_publish_reads_the_projects_metric_blocks_from_the_manifest(tmp_path):
    from orchestration.publish import metric_docs

    def block(package: str, name: str, text: str) -> dict:
        return {"package_name": package, "name": name, "block_contents": text}

    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "metadata": {"project_name": "hiring_analytics"},
                "docs": {
                    "doc.hiring_analytics.metric_time_to_hire": block(
                        "hiring_analytics", "metric_time_to_hire", "\n**Time to hire** (days): x.\n"
                    ),
                    "doc.hiring_analytics.metric_no_title": block(
                        "hiring_analytics", "metric_no_title", "Plain text."
                    ),
                    "doc.hiring_analytics.overview": block("hiring_analytics", "overview", "x"),
                    "doc.dbt.metric_other": block("dbt", "metric_other", "**Other**"),
                },
            }
        )
    )
    assert metric_docs(manifest) == [
        ("no_title", "No title", "Plain text."),
        ("time_to_hire", "Time to hire", "**Time to hire** (days): x."),
    ]
    assert metric_docs(tmp_path / "missing.json") == []
