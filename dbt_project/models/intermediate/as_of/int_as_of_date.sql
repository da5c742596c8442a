-- The one reference date of the warehouse: the var `as_of`, else the UTC date
-- of the latest event in the data. Every model that needs "today" joins this.
-- Every dated ATS event counts (see the model's YAML); HR files do not.
-- first_event_date lets a test refuse an as-of date before any data.
{%- set as_of_expression = (
    "cast('" ~ var('as_of') ~ "' as date)" if var('as_of') else 'event_bounds.latest_event_date'
) %}

with held_interviews as (
    -- an interview still `scheduled` is a plan, not an event (like an offer's start date)
    select * from {{ ref('int_interviews_unioned') }}
    where interview_status is null or interview_status != 'scheduled'
),

events as (
    select applied_at as event_at from {{ ref('int_applications_unioned') }}
    union all
    select ended_at from {{ ref('int_applications_unioned') }}
    union all
    select last_activity_at from {{ ref('int_applications_unioned') }}
    union all
    select hire_evidence_at from {{ ref('int_applications_unioned') }}
    union all
    select entered_at from {{ ref('int_stage_stays_unioned') }}
    union all
    select exited_at from {{ ref('int_stage_stays_unioned') }}
    union all
    select created_at from {{ ref('int_offers_unioned') }}
    union all
    select cast(sent_date as timestamp) from {{ ref('int_offers_unioned') }}
    union all
    select resolved_at from {{ ref('int_offers_unioned') }}
    union all
    select created_at from {{ ref('int_jobs_unioned') }}
    union all
    select opened_at from {{ ref('int_jobs_unioned') }}
    union all
    select closed_at from {{ ref('int_jobs_unioned') }}
    union all
    select opened_at from {{ ref('int_openings_unioned') }}
    union all
    select closed_at from {{ ref('int_openings_unioned') }}
    union all
    select starts_at from held_interviews
    union all
    select ends_at from held_interviews
    union all
    select submitted_at from {{ ref('int_scorecards_unioned') }}
),

event_bounds as (
    select
        cast(min(event_at) as date) as first_event_date,
        cast(max(event_at) as date) as latest_event_date
    from events
)

select
    {{ as_of_expression }} as as_of_date,
    event_bounds.first_event_date,
    event_bounds.latest_event_date
from event_bounds
