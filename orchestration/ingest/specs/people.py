"""HR data from outside the ATS, as documented CSV files."""

from orchestration.ingest.specs.base import EntitySpec
from orchestration.ingest.specs.base import field_ as _f

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
