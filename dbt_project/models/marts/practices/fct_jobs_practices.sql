-- One row per job opened on or before the as-of date: the practices at its
-- opening (licensed at open, intake on time) and its first interview.
-- Rules (docs/metrics.md, "Licensed at open", "Intake on time") and every
-- choice: _practices__models.yml.
with as_of as (
    select
        as_of_date,
        {{ end_of_day('as_of_date') }} as as_of_end_at
    from {{ ref('int_as_of_date') }}
),

jobs as (
    select jobs.*
    from {{ ref('int_jobs_enriched') }} as jobs
    cross join as_of
    where cast(jobs.opened_at as date) <= as_of.as_of_date
),

users as (
    select user_id, email from {{ ref('int_users_unioned') }}
),

completions as (
    select
        user_email,
        completed_at,
        {{ license_valid_through('completed_at', 'expires_at') }} as valid_through_date,
        expires_at
    from {{ ref('stg_people__training_completions') }}
    where course_code = '{{ var("license_course") }}'
),

-- every completion on or before the open date; the valid one with the latest
-- completion wins, else (none valid) the latest one, to show why
license_candidates as (
    select
        jobs.job_id,
        completions.completed_at,
        completions.expires_at,
        completions.valid_through_date,
        completions.valid_through_date >= cast(jobs.opened_at as date) as is_valid_at_open,
        row_number() over (
            partition by jobs.job_id
            order by
                case when completions.valid_through_date >= cast(jobs.opened_at as date) then 0 else 1 end,
                completions.completed_at desc
        ) as license_rank
    from jobs
    inner join users on jobs.hiring_manager_id = users.user_id
    inner join completions on users.email = completions.user_email
    where cast(completions.completed_at as date) <= cast(jobs.opened_at as date)
),

first_interviews as (
    select
        job_id,
        min(starts_at) as first_interview_at
    from {{ ref('fct_interviews') }}
    where interview_status != 'cancelled' and job_id is not null
    group by job_id
),

intakes as (
    select intakes.job_id, intakes.held_at, intakes.checklist_complete
    from {{ ref('stg_people__intake_meetings') }} as intakes
    cross join as_of
    where intakes.held_at < as_of.as_of_end_at
),

joined as (
    select
        jobs.job_id,
        jobs.source_system,
        jobs.department,
        jobs.hiring_manager_id,
        jobs.opened_at,
        jobs.is_evergreen,
        jobs.is_template,
        license_candidates.is_valid_at_open,
        license_candidates.completed_at as license_completed_at,
        license_candidates.valid_through_date as license_valid_through_date,
        intakes.held_at as intake_held_at,
        intakes.checklist_complete,
        first_interviews.first_interview_at,
        as_of.as_of_date,
        as_of.as_of_end_at
    from jobs
    cross join as_of
    left join license_candidates
        on jobs.job_id = license_candidates.job_id and license_candidates.license_rank = 1
    left join intakes on jobs.job_id = intakes.job_id
    left join first_interviews on jobs.job_id = first_interviews.job_id
),

decided as (
    select
        joined.*,
        {{ days_between('opened_at', 'intake_held_at') }} as days_to_intake,
        case
            when intake_held_at is not null
                then {{ days_between('opened_at', 'intake_held_at') }} <= {{ var('intake_sla_days') }}
                    and (first_interview_at is null or intake_held_at < first_interview_at)
            -- no intake yet: late once the window closed or an interview took place
            when first_interview_at < as_of_end_at then false
            when {{ days_between('opened_at', 'as_of_date') }} > {{ var('intake_sla_days') }} then false
        end as is_intake_on_time
    from joined
)

select
    job_id,
    source_system,
    department,
    hiring_manager_id,
    opened_at,
    cast(opened_at as date) as opened_date,
    is_evergreen,
    is_template,
    coalesce(is_valid_at_open, false) as licensed_at_open,
    license_completed_at,
    license_valid_through_date as license_expires_on,
    intake_held_at,
    days_to_intake,
    is_intake_on_time,
    is_intake_on_time is null as is_intake_pending,
    checklist_complete,
    first_interview_at
from decided
