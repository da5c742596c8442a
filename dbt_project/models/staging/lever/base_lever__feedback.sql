-- Lever feedback forms, renamed and cast; the rating is the first
-- `score-system` field.
with source as (
    select * from {{ source('lever', 'feedback') }}
),

renamed as (
    select
        -- ids
        'lever:' || id as feedback_id,
        'lever:' || opportunityId as opportunity_id,
        'lever:' || interview as interview_id,
        'lever:' || {{ adapter.quote('user') }} as user_id,
        -- attributes
        type as feedback_type,
        text as form_name,
        fields,
        -- timestamps (UTC)
        createdAt as created_at,
        completedAt as completed_at
    from source
)

select * from renamed
