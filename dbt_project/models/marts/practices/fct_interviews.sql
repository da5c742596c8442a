-- One row per interview scheduled on or before the as-of date, with its job,
-- interviewers, the hiring manager's presence and the note taker's talk time.
-- Rules (docs/metrics.md, "Talk share" and "Reschedule rate") and every choice
-- are in _practices__models.yml.
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

interviews as (
    select interviews.*
    from {{ ref('int_interviews_unioned') }} as interviews
    cross join as_of
    where cast(coalesce(interviews.created_at, interviews.starts_at) as date) <= as_of.as_of_date
),

applications as (
    select application_id, job_id from {{ ref('int_applications_unioned') }}
),

jobs as (
    select job_id, department, hiring_manager_id from {{ ref('int_jobs_enriched') }}
),

interviewers as (
    select interview_id, user_id from {{ ref('int_interviewers_unioned') }}
),

talk as (
    select * from {{ ref('stg_people__interview_talk_time') }}
),

interview_jobs as (
    select
        interviews.interview_id,
        interviews.application_id,
        applications.job_id,
        jobs.department,
        jobs.hiring_manager_id,
        interviews.source_system,
        interviews.interview_status,
        interviews.starts_at,
        interviews.ends_at,
        interviews.created_at
    from interviews
    left join applications on interviews.application_id = applications.application_id
    left join jobs on applications.job_id = jobs.job_id
),

panel as (
    select
        interview_jobs.interview_id,
        count(distinct interviewers.user_id) as interviewers_n,
        count(
            case when interviewers.user_id = interview_jobs.hiring_manager_id then 1 end
        ) > 0 as is_hiring_manager_present
    from interview_jobs
    inner join interviewers on interview_jobs.interview_id = interviewers.interview_id
    group by interview_jobs.interview_id
),

talk_totals as (
    select
        interview_id,
        sum(talk_seconds) as talk_seconds_total,
        sum(case when participant_role = 'candidate' then talk_seconds else 0 end)
            as talk_seconds_candidate,
        sum(case when participant_role = 'hiring_manager' then talk_seconds else 0 end)
            as talk_seconds_hiring_manager,
        sum(case when participant_role = 'interviewer' then talk_seconds else 0 end)
            as talk_seconds_interviewers,
        count(case when participant_role = 'hiring_manager' then 1 end) > 0
            as has_hiring_manager_talk_row
    from talk
    group by interview_id
),

joined as (
    select
        interview_jobs.*,
        coalesce(panel.interviewers_n, 0) as interviewers_n,
        coalesce(panel.is_hiring_manager_present, false) as is_hiring_manager_present,
        talk_totals.talk_seconds_total,
        talk_totals.talk_seconds_candidate,
        talk_totals.talk_seconds_hiring_manager,
        talk_totals.talk_seconds_interviewers,
        coalesce(talk_totals.talk_seconds_total > 0, false) as has_talk_data,
        coalesce(talk_totals.has_hiring_manager_talk_row, false) as has_hiring_manager_talk_row
    from interview_jobs
    left join panel on interview_jobs.interview_id = panel.interview_id
    left join talk_totals on interview_jobs.interview_id = talk_totals.interview_id
),

shares as (
    select
        joined.*,
        case
            when has_talk_data and (has_hiring_manager_talk_row or is_hiring_manager_present)
                then talk_seconds_hiring_manager / talk_seconds_total
        end as hiring_manager_talk_share,
        case
            when has_talk_data then talk_seconds_candidate / talk_seconds_total
        end as candidate_talk_share
    from joined
)

select
    interview_id,
    application_id,
    job_id,
    department,
    hiring_manager_id,
    source_system,
    interview_status,
    starts_at,
    ends_at,
    cast(coalesce(created_at, starts_at) as date) as scheduled_date,
    cast(interviewers_n as bigint) as interviewers_n,
    is_hiring_manager_present,
    has_talk_data,
    cast(talk_seconds_total as double) as talk_seconds_total,
    cast(talk_seconds_candidate as double) as talk_seconds_candidate,
    cast(talk_seconds_hiring_manager as double) as talk_seconds_hiring_manager,
    cast(talk_seconds_interviewers as double) as talk_seconds_interviewers,
    cast(hiring_manager_talk_share as double) as hiring_manager_talk_share,
    cast(candidate_talk_share as double) as candidate_talk_share,
    coalesce(hiring_manager_talk_share > {{ var('talk_share_flag') }}, false) as is_talk_share_flagged,
    -- no current source records reschedules (see the YAML): never 0, never false
    false as reschedules_recorded,
    cast(null as boolean) as is_rescheduled
from shares
