-- Canonical interviews from Lever: one row per scheduled interview, ending
-- `duration` minutes after `date`. Nothing reads the clock, so the status is:
-- cancelled when canceledAt is set, completed when a feedback form names the
-- interview, scheduled otherwise.
with interviews as (
    select * from {{ ref('base_lever__interviews') }}
),

applications as (
    select * from {{ ref('base_lever__applications') }}
),

feedback as (
    select distinct interview_id
    from {{ ref('base_lever__feedback') }}
    where interview_id is not null
),

canonical as (
    select
        -- ids
        interviews.interview_id,
        applications.application_id,
        'lever' as source_system,
        -- attributes
        interviews.interview_name,
        case
            when interviews.canceled_at is not null then 'cancelled'
            when feedback.interview_id is not null then 'completed'
            else 'scheduled'
        end as interview_status,
        cast(null as string) as organizer_user_id,
        -- timestamps (UTC)
        interviews.starts_at,
        cast(interviews.ends_at as timestamp) as ends_at,
        interviews.created_at,
        coalesce(interviews.canceled_at, interviews.created_at) as updated_at
    from interviews
    left join applications
        on interviews.opportunity_id = applications.opportunity_id
    left join feedback
        on interviews.interview_id = feedback.interview_id
)

select * from canonical
