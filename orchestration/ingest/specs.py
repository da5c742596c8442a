"""What each source file holds: one spec per raw table.

The specs are the single description of the raw layer. The loaders use them to
build typed raw tables (so an empty file still yields a table with the right
columns), the validation suite derives its expectations from them, and the dbt
sources are written against the columns they declare. docs/export-format.md is
the human-readable version of this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Raw column types. Timestamps are converted to UTC at ingest by one rule
# (timestamps.py) and dates kept as written, so staging never parses a time.
# Nested objects and arrays are stored as JSON.
SQL_TYPES = {
    "id": "BIGINT",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "text": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "epoch_ms": "TIMESTAMP",
    "date": "DATE",
    "json": "JSON",
}

# Load metadata carried by every raw row.
META_COLUMNS = {
    "_load_id": "VARCHAR",
    "_source_file": "VARCHAR",
    "_file_hash": "VARCHAR",
    "_line": "BIGINT",
    "_loaded_at": "TIMESTAMP",
    "_extra": "JSON",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] | None = None
    # personal data ("name", "email", "phone"): replaced by a keyed hash at ingest (pii.py)
    pii: str | None = None

    def __post_init__(self) -> None:
        if self.type not in SQL_TYPES:
            raise ValueError(f"unknown field type {self.type!r} for {self.name}")

    @property
    def sql_type(self) -> str:
        return "VARCHAR" if self.pii else SQL_TYPES[self.type]


@dataclass(frozen=True)
class EntitySpec:
    source: str
    name: str
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    required_file: bool = False
    # (earlier, later) timestamp pairs that must be in order when both are present
    time_order: tuple[tuple[str, str], ...] = ()
    description: str = ""
    extensions: tuple[str, ...] = field(default=(".json", ".jsonl"))
    # timestamps nested in JSON columns ("openings[].opened_at", "start.date_time"):
    # converted to canonical UTC text by the same rule as top-level timestamps
    nested_times: tuple[str, ...] = ()
    # False where undeclared fields may hold personal data: only their names are kept
    keep_extra: bool = True

    @property
    def table(self) -> str:
        return f"raw_{self.source}.{self.name}"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def version_field(self) -> str | None:
        """The object's own last-change timestamp: the newer version of a key wins."""
        names = self.field_names
        return next((n for n in ("updated_at", "last_activity_at") if n in names), None)

    @property
    def has_pii(self) -> bool:
        return any(f.pii for f in self.fields)


def _f(name: str, type_: str = "text", *, required: bool = False, values=None, pii=None) -> Field:
    return Field(name, type_, required, tuple(values) if values else None, pii)


GREENHOUSE = (
    EntitySpec(
        "greenhouse",
        "applications",
        key=("id",),
        required_file=True,
        description="Harvest applications: one per candidate and job.",
        fields=(
            _f("id", "id", required=True),
            _f("candidate_id", "id", required=True),
            _f("prospect", "bool"),
            _f("applied_at", "timestamp"),
            _f("rejected_at", "timestamp"),
            _f("last_activity_at", "timestamp"),
            _f("status", required=True, values=("active", "rejected", "hired", "converted")),
            _f("source", "json"),
            _f("credited_to", "json"),
            _f("rejection_reason", "json"),
            _f("jobs", "json"),
            _f("current_stage", "json"),
        ),
        time_order=(("applied_at", "rejected_at"),),
    ),
    EntitySpec(
        "greenhouse",
        "candidates",
        key=("id",),
        description="Harvest candidates (personal data: hashed in staging).",
        fields=(
            _f("id", "id", required=True),
            _f("first_name", pii="name"),
            _f("last_name", pii="name"),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
            _f("email_addresses", "json", pii="email"),
            _f("phone_numbers", "json", pii="phone"),
            _f("application_ids", "json"),
        ),
        keep_extra=False,
    ),
    EntitySpec(
        "greenhouse",
        "jobs",
        key=("id",),
        required_file=True,
        description="Harvest jobs with departments, offices, hiring team and openings.",
        fields=(
            _f("id", "id", required=True),
            _f("name", required=True),
            _f("requisition_id"),
            _f("status", required=True, values=("open", "closed", "draft")),
            _f("created_at", "timestamp", required=True),
            _f("opened_at", "timestamp"),
            _f("closed_at", "timestamp"),
            _f("updated_at", "timestamp"),
            _f("departments", "json"),
            _f("offices", "json"),
            _f("hiring_team", "json"),
            _f("openings", "json"),
            _f("custom_fields", "json"),
            _f("is_template", "bool"),
        ),
        time_order=(("opened_at", "closed_at"),),
        nested_times=("openings[].opened_at", "openings[].closed_at"),
    ),
    EntitySpec(
        "greenhouse",
        "job_stages",
        key=("id",),
        description="The interview plan of each job.",
        fields=(
            _f("id", "id", required=True),
            _f("job_id", "id", required=True),
            _f("name", required=True),
            _f("priority", "int"),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
            _f("interviews", "json"),
        ),
    ),
    EntitySpec(
        "greenhouse",
        "application_stages",
        key=("application_id", "stage_id", "entered_at"),
        description="Stage history: one row per stay of an application in a stage.",
        fields=(
            _f("application_id", "id", required=True),
            _f("stage_id", "id", required=True),
            _f("stage_name", required=True),
            _f("entered_at", "timestamp", required=True),
            _f("exited_at", "timestamp"),
        ),
        time_order=(("entered_at", "exited_at"),),
    ),
    EntitySpec(
        "greenhouse",
        "scheduled_interviews",
        key=("id",),
        description="Interviews with their interviewers and scorecard ids.",
        fields=(
            _f("id", "id", required=True),
            _f("application_id", "id", required=True),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
            _f("start", "json"),
            _f("end", "json"),
            _f("status", values=("scheduled", "awaiting_feedback", "complete")),
            _f("interview", "json"),
            _f("organizer", "json"),
            _f("interviewers", "json"),
        ),
        nested_times=("start.date_time", "end.date_time"),
    ),
    EntitySpec(
        "greenhouse",
        "scorecards",
        key=("id",),
        description="Submitted interview scorecards.",
        fields=(
            _f("id", "id", required=True),
            _f("application_id", "id", required=True),
            _f("candidate_id", "id"),
            _f("interview"),
            _f("interview_step", "json"),
            _f("interviewed_at", "timestamp"),
            _f("submitted_at", "timestamp"),
            _f("submitted_by", "json"),
            _f("interviewer", "json"),
            _f(
                "overall_recommendation",
                values=("definitely_not", "no", "yes", "strong_yes", "no_decision"),
            ),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
        ),
        # Real exports carry interviewed_at as a date at a fixed hour, which can
        # fall after the submission: a warning, never a rejection.
        time_order=(("interviewed_at", "submitted_at"),),
    ),
    EntitySpec(
        "greenhouse",
        "offers",
        key=("id",),
        description="Offer versions; the latest non-deprecated version counts.",
        fields=(
            _f("id", "id", required=True),
            _f("version", "int", required=True),
            _f("application_id", "id", required=True),
            _f("job_id", "id"),
            _f("candidate_id", "id"),
            _f("opening", "json"),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
            _f("sent_at", "date"),
            _f("resolved_at", "timestamp"),
            _f("starts_at", "date"),
            _f(
                "status",
                required=True,
                values=("unresolved", "accepted", "rejected", "deprecated"),
            ),
        ),
    ),
    EntitySpec(
        "greenhouse",
        "users",
        key=("id",),
        description="Greenhouse users: hiring managers, recruiters, interviewers.",
        fields=(
            _f("id", "id", required=True),
            _f("name"),
            _f("first_name"),
            _f("last_name"),
            _f("primary_email_address"),
            _f("emails", "json"),
            _f("employee_id"),
            _f("disabled", "bool"),
            _f("created_at", "timestamp"),
            _f("updated_at", "timestamp"),
        ),
    ),
    EntitySpec(
        "greenhouse",
        "departments",
        key=("id",),
        fields=(
            _f("id", "id", required=True),
            _f("name", required=True),
            _f("parent_id", "id"),
            _f("child_ids", "json"),
        ),
    ),
    EntitySpec(
        "greenhouse",
        "offices",
        key=("id",),
        fields=(_f("id", "id", required=True), _f("name", required=True), _f("location", "json")),
    ),
    EntitySpec(
        "greenhouse",
        "sources",
        key=("id",),
        fields=(_f("id", "id", required=True), _f("name", required=True), _f("type", "json")),
    ),
    EntitySpec(
        "greenhouse",
        "rejection_reasons",
        key=("id",),
        fields=(_f("id", "id", required=True), _f("name", required=True), _f("type", "json")),
    ),
    EntitySpec(
        "greenhouse",
        "demographics",
        key=("application_id",),
        description="EEOC self-identification; used only in aggregate.",
        fields=(
            _f("application_id", "id", required=True),
            _f("candidate_id", "id"),
            _f("submitted_at", "timestamp"),
            _f("race", "json"),
            _f("gender", "json"),
            _f("veteran_status", "json"),
            _f("disability_status", "json"),
        ),
    ),
)

_CSV = (".csv",)

PEOPLE = (
    EntitySpec(
        "people",
        "employees",
        key=("employee_id",),
        extensions=_CSV,
        description="HRIS employment records, linked to the ATS application that hired them.",
        fields=(
            _f("employee_id", required=True),
            _f("source_system", required=True),
            _f("application_id", "text"),
            _f("start_date", "date", required=True),
            _f("termination_date", "date"),
            _f("termination_type", values=("voluntary", "involuntary")),
        ),
        time_order=(("start_date", "termination_date"),),
    ),
    EntitySpec(
        "people",
        "performance_reviews",
        key=("employee_id", "review_date"),
        extensions=_CSV,
        fields=(
            _f("employee_id", required=True),
            _f("review_date", "date", required=True),
            _f("rating", "float", required=True),
            _f("scale_min", "float", required=True),
            _f("scale_max", "float", required=True),
        ),
    ),
    EntitySpec(
        "people",
        "hiring_manager_surveys",
        key=("employee_id",),
        extensions=_CSV,
        fields=(
            _f("employee_id", required=True),
            _f("manager_user_id", "text"),
            _f("submitted_at", "timestamp"),
            _f("rating", "int", required=True, values=("1", "2", "3", "4", "5")),
        ),
    ),
    EntitySpec(
        "people",
        "candidate_surveys",
        key=("survey_id",),
        extensions=_CSV,
        fields=(
            _f("survey_id", required=True),
            _f("source_system", required=True),
            _f("application_id", required=True),
            _f("sent_at", "timestamp", required=True),
            _f("submitted_at", "timestamp"),
            _f("score", "int", values=tuple(str(i) for i in range(11))),
        ),
        time_order=(("sent_at", "submitted_at"),),
    ),
    EntitySpec(
        "people",
        "training_completions",
        key=("user_email", "course_code", "completed_at"),
        extensions=_CSV,
        fields=(
            _f("user_email", required=True),
            _f("course_code", required=True),
            _f("completed_at", "timestamp", required=True),
            _f("expires_at", "timestamp"),
        ),
        time_order=(("completed_at", "expires_at"),),
    ),
    EntitySpec(
        "people",
        "intake_meetings",
        key=("source_system", "job_id"),
        extensions=_CSV,
        fields=(
            _f("source_system", required=True),
            _f("job_id", "text", required=True),
            _f("held_at", "timestamp", required=True),
            _f("checklist_complete", "bool"),
        ),
    ),
    EntitySpec(
        "people",
        "interview_talk_time",
        key=("source_system", "interview_id", "participant_role", "user_id"),
        extensions=_CSV,
        fields=(
            _f("source_system", required=True),
            _f("interview_id", "text", required=True),
            _f(
                "participant_role",
                required=True,
                values=("candidate", "hiring_manager", "interviewer"),
            ),
            _f("user_id", "text"),
            _f("talk_seconds", "float", required=True),
        ),
    ),
    EntitySpec(
        "people",
        "retrospectives",
        key=("source_system", "job_id", "opening_id"),
        extensions=_CSV,
        fields=(
            _f("source_system", required=True),
            _f("job_id", "text", required=True),
            _f("opening_id", "text"),
            _f("held_at", "timestamp", required=True),
        ),
    ),
)

ALL_SPECS: tuple[EntitySpec, ...] = GREENHOUSE + PEOPLE


def specs_for(source: str) -> tuple[EntitySpec, ...]:
    return tuple(s for s in ALL_SPECS if s.source == source)


def raw_table_ddl(spec: EntitySpec) -> str:
    """CREATE TABLE statement for a raw table: declared fields, then load metadata."""
    cols = [f'"{f.name}" {f.sql_type}' for f in spec.fields]
    cols += [f"{name} {sql_type}" for name, sql_type in META_COLUMNS.items()]
    return f"create table if not exists {spec.table} ({', '.join(cols)})"
