with source as (
    select * from {{ source('greenhouse', 'scorecards') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as scorecard_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || candidate_id as candidate_id,
        'greenhouse:' || {{ json_text('interview_step', '$.id') }} as interview_step_id,
        'greenhouse:' || {{ json_text('submitted_by', '$.id') }} as submitted_by_user_id,
        'greenhouse:' || {{ json_text('interviewer', '$.id') }} as interviewer_user_id,
        -- attributes
        'greenhouse' as source_system,
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
