with source as (
    select * from {{ source('greenhouse', 'scheduled_interviews') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as interview_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || {{ json_text('interview', '$.id') }} as interview_step_id,
        'greenhouse:' || {{ json_text('organizer', '$.id') }} as organizer_user_id,
        -- attributes
        'greenhouse' as source_system,
        status as interview_status,
        {{ json_text('interview', '$.name') }} as interview_name,
        -- timestamps (UTC)
        cast({{ json_text('"start"', '$.date_time') }} as timestamp) as starts_at,
        cast({{ json_text('"end"', '$.date_time') }} as timestamp) as ends_at,
        created_at,
        updated_at
    from source
)

select * from renamed
