-- One row per expected scorecard: each interviewer of each interview that
-- took place (status completed, scheduled end on or before the as-of date).
-- Hours to submit count from the interview's scheduled end. Rules
-- (docs/metrics.md, "Scorecard on time") and choices: _practices__models.yml.
with as_of as (
    select
        as_of_date,
        {{ end_of_day('as_of_date') }} as as_of_end_at
    from {{ ref('int_as_of_date') }}
),

interviews as (
    select interviews.*
    from {{ ref('fct_interviews') }} as interviews
    cross join as_of
    where interviews.interview_status = 'completed'
        and interviews.ends_at < as_of.as_of_end_at
),

interviewers as (
    select * from {{ ref('int_interviewers_unioned') }}
),

scorecards as (
    select * from {{ ref('int_scorecards_unioned') }}
),

-- a scorecard the interviewer entry does not name is found by interview and author
scorecards_by_author as (
    select
        interview_id,
        interviewer_user_id,
        min(scorecard_id) as scorecard_id
    from scorecards
    where interview_id is not null and interviewer_user_id is not null
    group by interview_id, interviewer_user_id
),

expected as (
    select
        interviewers.interview_interviewer_id,
        interviews.interview_id,
        interviewers.user_id,
        interviews.application_id,
        interviews.job_id,
        interviews.department,
        interviews.hiring_manager_id,
        interviews.source_system,
        interviews.ends_at as interview_ends_at,
        coalesce(interviewers.scorecard_id, scorecards_by_author.scorecard_id) as scorecard_id
    from interviews
    inner join interviewers on interviews.interview_id = interviewers.interview_id
    left join scorecards_by_author
        on interviewers.interview_id = scorecards_by_author.interview_id
            and interviewers.user_id = scorecards_by_author.interviewer_user_id
),

submitted as (
    select
        expected.*,
        -- a submission after the as-of date has not happened yet
        case when scorecards.submitted_at < as_of.as_of_end_at then scorecards.submitted_at end
            as submitted_at,
        as_of.as_of_end_at
    from expected
    cross join as_of
    left join scorecards on expected.scorecard_id = scorecards.scorecard_id
),

timed as (
    select
        submitted.*,
        {{ hours_between('interview_ends_at', 'submitted_at') }} as hours_to_submit,
        {{ hours_between('interview_ends_at', 'as_of_end_at') }} as hours_to_as_of_end
    from submitted
)

select
    interview_interviewer_id,
    interview_id,
    user_id,
    application_id,
    job_id,
    department,
    hiring_manager_id,
    source_system,
    interview_ends_at,
    cast(interview_ends_at as date) as interview_end_date,
    submitted_at,
    cast(hours_to_submit as double) as hours_to_submit,
    submitted_at is not null as is_submitted,
    coalesce(hours_to_submit <= {{ var('scorecard_sla_hours') }}, false) as is_on_time,
    submitted_at is null and hours_to_as_of_end > {{ var('scorecard_sla_hours') }}
        as is_missing_and_late,
    submitted_at is null and hours_to_as_of_end <= {{ var('scorecard_sla_hours') }}
        as is_pending,
    coalesce(user_id = hiring_manager_id, false) as is_hiring_manager
from timed
