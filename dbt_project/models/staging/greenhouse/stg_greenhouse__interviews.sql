-- interview_status in canonical terms: Greenhouse `complete` and
-- `awaiting_feedback` interviews took place (completed); `scheduled` ones are
-- still a plan. Greenhouse deletes cancelled interviews, so none is cancelled.
with source as (
    select * from {{ source('greenhouse', 'scheduled_interviews') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as interview_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse' as source_system,
        -- attributes
        {{ json_text('interview', '$.name') }} as interview_name,
        case
            when status = 'scheduled' then 'scheduled'
            when status in ('complete', 'awaiting_feedback') then 'completed'
        end as interview_status,
        'greenhouse:' || {{ json_text('organizer', '$.id') }} as organizer_user_id,
        -- timestamps (UTC)
        cast({{ json_text(adapter.quote('start'), '$.date_time') }} as timestamp) as starts_at,
        cast({{ json_text(adapter.quote('end'), '$.date_time') }} as timestamp) as ends_at,
        created_at,
        updated_at
    from source
)

select * from renamed
