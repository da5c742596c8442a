"""What each check requires, in a sentence (orchestration/check_meanings.py): what Data
health lists beside a check's status, from the dbt manifest's test nodes."""

from __future__ import annotations

import pytest

from orchestration.check_meanings import dbt_test_meaning, dbt_test_target


def generic(name: str, **kwargs) -> dict:
    return {"name": f"{name}_x", "test_metadata": {"name": name, "kwargs": kwargs}}


@pytest.mark.parametrize(
    ("node", "meaning"),
    [
        (generic("not_null", column_name="job_id"), "job_id is never null."),
        (generic("unique", column_name="job_id"), "job_id is never repeated."),
        (
            generic("primary_key", column_name="job_id"),
            "job_id identifies each row: never null, never repeated.",
        ),
        (
            generic("accepted_values", column_name="ended_by", values=["candidate", "company"]),
            "ended_by is one of: candidate, company.",
        ),
        (
            generic("accepted_values", column_name="n", values=list(range(8))),
            "n is one of: 0, 1, 2, 3, 4, 5, …",
        ),
        (
            generic(
                "relationships",
                column_name="application_id",
                to="ref('fct_applications')",
                field="application_id",
            ),
            "Every application_id is in fct_applications.",
        ),
        (
            generic(
                "relationships",
                column_name="furthest_stage",
                to="ref('canonical_stages')",
                field="canonical_stage",
            ),
            "Every furthest_stage is in canonical_stages (as canonical_stage).",
        ),
        (
            generic("unique_combination_of_columns", columns=["source_system", "job_id"]),
            "No two rows share the same source_system, job_id.",
        ),
        (generic("no_rows_where", condition="score > 100"), "No row where score > 100."),
        (generic("not_empty"), "Has at least one row."),
        # a description in the YAML wins, on one line
        ({**generic("not_null"), "description": "Hires  with\n a date."}, "Hires with a date."),
        ({"name": "assert_every_stage_is_mapped"}, "Assert every stage is mapped."),
    ],
)
def test_each_test_says_what_it_requires(node: dict, meaning: str) -> None:
    assert dbt_test_meaning(node) == meaning


def test_a_test_is_on_the_model_it_is_defined_on_else_the_one_it_reads() -> None:
    assert dbt_test_target({"attached_node": "model.p.fct_jobs"}) == "fct_jobs"
    reads_one = {"depends_on": {"nodes": ["model.p.int_as_of_date"]}}
    assert dbt_test_target(reads_one) == "int_as_of_date"
    reads_three = {
        "depends_on": {"nodes": ["seed.p.stage_mapping", "model.p.a", "model.p.b"]},
        "config": {"meta": {"dagster": {"ref": {"name": "stage_mapping"}}}},
    }
    assert dbt_test_target(reads_three) == "stage_mapping and 2 more"
    assert dbt_test_target({"depends_on": {"nodes": ["model.p.a", "model.p.b"]}}) is None
