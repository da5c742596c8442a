-- Openings are nested in jobs.openings: one row per opening.
with source as (
    select * from {{ source('greenhouse', 'jobs') }}
),

openings as (
    select
        source.id as job_source_id,
        opening.value as opening
    from source
    {{ json_array_elements('source.openings', 'opening') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || {{ json_text('opening', '$.id') }} as opening_id,
        'greenhouse:' || job_source_id as job_id,
        'greenhouse:' || {{ json_text('opening', '$.application_id') }} as hired_application_id,
        -- attributes
        'greenhouse' as source_system,
        {{ json_text('opening', '$.opening_id') }} as opening_code,
        {{ json_text('opening', '$.status') }} as opening_status,
        {{ json_text('opening', '$.close_reason.name') }} as close_reason,
        -- timestamps (UTC)
        cast({{ json_text('opening', '$.opened_at') }} as timestamp) as opened_at,
        cast({{ json_text('opening', '$.closed_at') }} as timestamp) as closed_at
    from openings
)

select * from renamed
