"""The canonical contract: the columns every ATS's staging models end in, per entity.

This is the seam between sources and metrics. Each ATS source (Greenhouse,
Lever, the canonical CSV format) has one staging model per entity,
`stg_<source>__<entity>`, with exactly these columns and types; vendor meaning
(what "withdrew" or "hired" looks like in that ATS) is translated there. The
`int_<entity>_unioned` models union the sources and everything after reads only
them, so no model below staging names a vendor.

This module is the one definition. From it come:
- `dbt_project/macros/canonical_contract.sql` (the union macro and the contract
  test read it), and `docs/canonical-model.md`: `python -m orchestration.canonical`
  rewrites both, and a test fails when they are stale;
- the specs of the canonical CSV adapter (`ats_csv/`, orchestration/ingest/specs/ats_csv.py).

Types are the names both DuckDB and Spark accept in contracts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MACRO_FILE = PROJECT_ROOT / "dbt_project" / "macros" / "canonical_contract.sql"
DOC_FILE = PROJECT_ROOT / "docs" / "canonical-model.md"

# The ATS sources whose staging models the unioned models read (dbt var `ats_sources`).
ATS_SOURCES = ("greenhouse", "lever", "ats_csv")

TYPES = ("string", "bigint", "int", "double", "boolean", "timestamp", "date")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    values: tuple[str, ...] | None = None  # the allowed values of a code column

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown type {self.type!r}")


@dataclass(frozen=True)
class Entity:
    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, type_: str, description: str, values: tuple[str, ...] | None = None) -> Column:
    return Column(name, type_, description, values)


def _ids(*names: str) -> tuple[Column, ...]:
    return tuple(_c(n, "string", f"`{n}`: text, prefixed by its source system") for n in names)


SOURCE_SYSTEM = _c(
    "source_system", "string", "The ATS the row comes from (`greenhouse`, `lever`, ...)."
)

ENTITIES: tuple[Entity, ...] = (
    Entity(
        "applications",
        "One row per application (a candidate's candidacy for one job).",
        ("application_id",),
        (
            *_ids("application_id", "candidate_id"),
            SOURCE_SYSTEM,
            _c("job_id", "string", "The job applied to; null for a prospect without a job."),
            _c("source_name", "string", "The credited source (Referral, LinkedIn, ...)."),
            _c("credited_to_user_id", "string", "The user credited with the application."),
            _c("is_prospect", "boolean", "Sourced prospect rather than an applicant."),
            _c("applied_at", "timestamp", "When the candidate applied (or was added)."),
            _c("last_activity_at", "timestamp", "The ATS's last activity on the application."),
            _c("current_stage_name", "string", "The ATS stage the application is in now."),
            _c(
                "is_superseded",
                "boolean",
                "Replaced by another application in the ATS (a converted prospect): left out.",
            ),
            _c(
                "ended_at",
                "timestamp",
                "When the ATS ended it without a hire (rejected, archived).",
            ),
            _c(
                "ended_by",
                "string",
                "Who ended it: `candidate` (withdrew) or `company` (rejected); null if not ended.",
                ("candidate", "company"),
            ),
            _c("end_reason", "string", "The rejection or archive reason's name."),
            _c("is_hired_in_ats", "boolean", "The ATS records the application as hired."),
            _c(
                "hire_evidence_at",
                "timestamp",
                "What the ATS says about when the hire happened (a later stage entry or an"
                " accepted offer takes precedence downstream).",
            ),
            _c(
                "hired_opening_id",
                "string",
                "The opening the ATS records this hire on, when the application names it.",
            ),
        ),
    ),
    Entity(
        "candidates",
        "One row per candidate (person) in one ATS, pseudonymized.",
        ("candidate_id",),
        (
            *_ids("candidate_id"),
            SOURCE_SYSTEM,
            _c(
                "candidate_key",
                "string",
                "Pseudonymous person key: the keyed hash of the first email, else the id.",
            ),
            _c("created_at", "timestamp", "When the candidate was added to the ATS."),
        ),
    ),
    Entity(
        "jobs",
        "One row per job (Lever: posting).",
        ("job_id",),
        (
            *_ids("job_id"),
            SOURCE_SYSTEM,
            _c("job_name", "string", "The job title."),
            _c("job_status", "string", "`open`, `closed` or `draft`.", ("open", "closed", "draft")),
            _c("department_name", "string", "The job's department."),
            _c("office_name", "string", "The job's office or location."),
            _c("is_evergreen", "boolean", "An always-open job: left out of time to fill."),
            _c("is_template", "boolean", "A job template, not a requisition."),
            _c("created_at", "timestamp", "When the job was created."),
            _c("opened_at", "timestamp", "When the job was opened (null: at creation)."),
            _c("closed_at", "timestamp", "When the job was closed."),
            _c("updated_at", "timestamp", "Last change in the ATS."),
        ),
    ),
    Entity(
        "openings",
        "One row per opening (a seat to fill; Lever: requisition).",
        ("opening_id",),
        (
            *_ids("opening_id", "job_id"),
            SOURCE_SYSTEM,
            _c("opening_code", "string", "The company's requisition / opening code."),
            _c("opening_status", "string", "`open` or `closed`.", ("open", "closed")),
            _c("close_reason", "string", "Why the opening was closed."),
            _c(
                "opened_at", "timestamp", "When the opening was opened (null: the job's open date)."
            ),
            _c("closed_at", "timestamp", "When the opening was closed."),
            _c("hired_application_id", "string", "The application the ATS records as its hire."),
        ),
    ),
    Entity(
        "hiring_team",
        "One row per job, role and user.",
        ("hiring_team_member_id",),
        (
            *_ids("hiring_team_member_id", "job_id", "user_id"),
            SOURCE_SYSTEM,
            _c(
                "team_role",
                "string",
                "`hiring_manager`, `recruiter`, `coordinator` or `sourcer`.",
                ("hiring_manager", "recruiter", "coordinator", "sourcer"),
            ),
            _c("list_position", "bigint", "Position in the ATS's list for the role (1 = first)."),
            _c("is_responsible", "boolean", "The one responsible, where a role lists several."),
        ),
    ),
    Entity(
        "stages",
        "One row per ATS stage (a job's interview plan, or a global pipeline).",
        ("stage_id",),
        (
            *_ids("stage_id"),
            SOURCE_SYSTEM,
            _c("job_id", "string", "The job whose plan it belongs to; null for a global pipeline."),
            _c(
                "stage_name",
                "string",
                "The ATS's stage name (mapped by dbt_project/seeds/stage_mapping.csv).",
            ),
            _c("stage_position", "bigint", "Order in the plan or pipeline."),
        ),
    ),
    Entity(
        "stage_stays",
        "One row per stay of an application in an ATS stage.",
        ("stage_stay_id",),
        (
            *_ids("stage_stay_id", "application_id", "stage_id"),
            SOURCE_SYSTEM,
            _c("stage_name", "string", "The ATS's stage name."),
            _c("entered_at", "timestamp", "When the application entered the stage."),
            _c("exited_at", "timestamp", "When it left; null while it is there."),
        ),
    ),
    Entity(
        "offers",
        "One row per offer (version).",
        ("offer_id",),
        (
            *_ids("offer_id", "application_id", "job_id", "opening_id"),
            SOURCE_SYSTEM,
            _c("offer_version", "bigint", "Version number; the highest non-superseded one counts."),
            _c(
                "offer_status",
                "string",
                "`accepted`, `declined`, `pending` (extended, not answered) or `draft`.",
                ("accepted", "declined", "pending", "draft"),
            ),
            _c("is_superseded", "boolean", "An older version replaced by a newer one (left out)."),
            _c("sent_date", "date", "When the offer was sent (calendar date)."),
            _c("start_date", "date", "The agreed start date."),
            _c("created_at", "timestamp", "When the offer was created."),
            _c("resolved_at", "timestamp", "When the candidate answered; null when unknown."),
            _c("updated_at", "timestamp", "Last change in the ATS."),
        ),
    ),
    Entity(
        "interviews",
        "One row per scheduled interview.",
        ("interview_id",),
        (
            *_ids("interview_id", "application_id"),
            SOURCE_SYSTEM,
            _c("interview_name", "string", "The interview's name or subject."),
            _c(
                "interview_status",
                "string",
                "`scheduled`, `completed` or `cancelled`.",
                ("scheduled", "completed", "cancelled"),
            ),
            _c("organizer_user_id", "string", "Who organized it."),
            _c("starts_at", "timestamp", "Scheduled start."),
            _c("ends_at", "timestamp", "Scheduled end (scorecard timeliness counts from here)."),
            _c("created_at", "timestamp", "When it was scheduled."),
            _c("updated_at", "timestamp", "Last change in the ATS."),
        ),
    ),
    Entity(
        "interviewers",
        "One row per interview and interviewer: the expected scorecards.",
        ("interview_interviewer_id",),
        (
            *_ids("interview_interviewer_id", "interview_id", "user_id"),
            SOURCE_SYSTEM,
            _c("scorecard_id", "string", "The interviewer's submitted scorecard; null until then."),
            _c("response_status", "string", "The interviewer's calendar response."),
        ),
    ),
    Entity(
        "scorecards",
        "One row per submitted scorecard (Lever: feedback form).",
        ("scorecard_id",),
        (
            *_ids("scorecard_id", "application_id"),
            SOURCE_SYSTEM,
            _c("interview_id", "string", "The scheduled interview, where the ATS links it."),
            _c("interviewer_user_id", "string", "Who wrote it."),
            _c("interview_name", "string", "The interview's name."),
            _c("overall_recommendation", "string", "The interviewer's overall recommendation."),
            _c("interviewed_at", "timestamp", "The interview's date as the ATS records it."),
            _c("submitted_at", "timestamp", "When it was submitted."),
            _c("created_at", "timestamp", "When it was created."),
            _c("updated_at", "timestamp", "Last change in the ATS."),
        ),
    ),
    Entity(
        "users",
        "One row per ATS user (hiring managers, recruiters, interviewers).",
        ("user_id",),
        (
            *_ids("user_id"),
            SOURCE_SYSTEM,
            _c("user_name", "string", "Display name."),
            _c("email", "string", "Work email, lower case (matches training records)."),
            _c("employee_id", "string", "HRIS employee id, when the ATS has it."),
            _c("is_disabled", "boolean", "Deactivated in the ATS."),
            _c("created_at", "timestamp", "When the user was created."),
        ),
    ),
    Entity(
        "demographics",
        "One row per application with self-identified data (used only in aggregate).",
        ("application_id",),
        (
            *_ids("application_id"),
            SOURCE_SYSTEM,
            _c("gender", "string", "Self-identified gender; null: no response or declined."),
            _c("race", "string", "Self-identified race / ethnicity; null: no response."),
            _c("veteran_status", "string", "Self-identified veteran status; null: no response."),
            _c("disability_status", "string", "Self-identified disability; null: no response."),
            _c("submitted_at", "timestamp", "When it was submitted."),
        ),
    ),
)


def entity(name: str) -> Entity:
    return next(e for e in ENTITIES if e.name == name)


# -- generated files ----------------------------------------------------------------------


def render_macro() -> str:
    contract = {e.name: [[c.name, c.type] for c in e.columns] for e in ENTITIES}
    body = json.dumps(contract, indent=4)
    sources = json.dumps(list(ATS_SOURCES))
    return (
        "{#- Generated by `python -m orchestration.canonical` from orchestration/canonical.py:\n"
        "    do not edit. The canonical columns and types of each entity, and the ATS sources\n"
        "    whose staging models end in them. -#}\n"
        "{% macro canonical_contract() -%}\n"
        f"    {{{{ return({body}) }}}}\n"
        "{%- endmacro %}\n\n"
        "{% macro canonical_sources() -%}\n"
        f"    {{{{ return(var('ats_sources', {sources})) }}}}\n"
        "{%- endmacro %}\n"
    )


def render_doc() -> str:
    lines = [
        "# The canonical model: one set of columns per entity, any ATS",
        "",
        "<!-- Generated by `python -m orchestration.canonical` from"
        " orchestration/canonical.py: do not edit. -->",
        "",
        "Every ATS source's staging folder ends in one model per entity,"
        " `stg_<source>__<entity>`, with exactly these columns and types (a dbt test,"
        " `assert_staging_models_match_the_canonical_contract`, checks every source's models"
        " and fails naming the model and the missing or mistyped column)."
        " `int_<entity>_unioned` unions the sources listed in the dbt var"
        f" `ats_sources` (default: {', '.join(f'`{s}`' for s in ATS_SOURCES)}); no model"
        " after it names a vendor. Ids are text prefixed by the source system"
        " (`greenhouse:123`, `lever:9f3c...`). Timestamps are UTC.",
        "",
        "The canonical CSV format (`ats_csv/`, see docs/export-format.md) is these tables"
        " as CSV files.",
        "",
    ]
    for e in ENTITIES:
        lines += [
            f"## `{e.name}`",
            "",
            f"{e.grain} Key: {', '.join(f'`{k}`' for k in e.key)}.",
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.type} | {c.description} |" for c in e.columns]
        lines.append("")
    return "\n".join(lines)


def write_generated() -> list[Path]:
    """Rewrite the generated files; returns those that changed."""
    changed = []
    for path, text in ((MACRO_FILE, render_macro()), (DOC_FILE, render_doc())):
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
            changed.append(path)
    return changed


if __name__ == "__main__":
    for path in write_generated():
        print(f"wrote {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
