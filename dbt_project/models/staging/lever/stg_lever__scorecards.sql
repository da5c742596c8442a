{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Canonical scorecards from Lever: feedback forms of type `interview`; the
-- recommendation is the first `score-system` field's value.
with feedback as (
    select * from {{ ref('base_lever__feedback') }}
    where feedback_type = 'interview'
),

applications as (
    select * from {{ ref('base_lever__applications') }}
),

interviews as (
    select * from {{ ref('base_lever__interviews') }}
),

ratings as (
    select
        feedback.feedback_id,
        {{ json_text('fields.value', '$.value') }} as rating,
        row_number() over (partition by feedback.feedback_id order by fields.position) as rating_rank
    from feedback
    {{ json_array_elements('feedback.fields', 'fields') }}
    where {{ json_text('fields.value', '$.type') }} = 'score-system'
),

canonical as (
    select
        -- ids
        feedback.feedback_id as scorecard_id,
        applications.application_id,
        'lever' as source_system,
        interviews.interview_id,
        feedback.user_id as interviewer_user_id,
        -- attributes
        coalesce(interviews.interview_name, feedback.form_name) as interview_name,
        ratings.rating as overall_recommendation,
        -- timestamps (UTC)
        interviews.starts_at as interviewed_at,
        feedback.completed_at as submitted_at,
        coalesce(feedback.created_at, feedback.completed_at) as created_at,
        coalesce(feedback.completed_at, feedback.created_at) as updated_at
    from feedback
    left join applications
        on feedback.opportunity_id = applications.opportunity_id
    left join interviews
        on feedback.interview_id = interviews.interview_id
    left join ratings
        on feedback.feedback_id = ratings.feedback_id
            and ratings.rating_rank = 1
)

select * from canonical
