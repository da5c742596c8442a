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
        {{ to_utc_timestamp('interviewed_at') }} as interviewed_at,
        {{ to_utc_timestamp('submitted_at') }} as submitted_at,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at
    from source
)

select * from renamed
