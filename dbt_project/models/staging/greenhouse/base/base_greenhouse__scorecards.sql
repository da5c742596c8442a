-- Submitted scorecards as exported (rename and cast only); the scheduled
-- interview they belong to is joined in stg_greenhouse__scorecards.
with source as (
    select * from {{ source('greenhouse', 'scorecards') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as scorecard_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || {{ json_text('interviewer', '$.id') }} as interviewer_user_id,
        -- attributes
        interview as interview_name,
        overall_recommendation,
        -- timestamps (UTC)
        interviewed_at,
        submitted_at,
        created_at,
        updated_at
    from source
)

select * from renamed
