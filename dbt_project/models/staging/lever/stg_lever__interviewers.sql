{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Canonical interviewers from Lever: one row per interview and listed
-- interviewer, with the feedback form that user submitted for that interview.
with interviews as (
    select * from {{ ref('base_lever__interviews') }}
),

feedback as (
    select
        interview_id,
        user_id,
        min(feedback_id) as feedback_id
    from {{ ref('base_lever__feedback') }}
    where interview_id is not null
    group by interview_id, user_id
),

listed as (
    select
        interviews.interview_id,
        'lever:' || {{ json_text('interviewers.value', '$.id') }} as user_id
    from interviews
    {{ json_array_elements('interviews.interviewers', 'interviewers') }}
),

canonical as (
    select
        -- ids
        listed.interview_id || ':' || listed.user_id as interview_interviewer_id,
        listed.interview_id,
        listed.user_id,
        'lever' as source_system,
        -- attributes
        feedback.feedback_id as scorecard_id,
        cast(null as string) as response_status
    from listed
    left join feedback
        on listed.interview_id = feedback.interview_id
            and listed.user_id = feedback.user_id
)

select * from canonical
