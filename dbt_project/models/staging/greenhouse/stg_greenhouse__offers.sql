with source as (
    select * from {{ source('greenhouse', 'offers') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as offer_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || job_id as job_id,
        'greenhouse:' || candidate_id as candidate_id,
        'greenhouse:' || {{ json_text('opening', '$.id') }} as opening_id,
        -- attributes
        'greenhouse' as source_system,
        version as offer_version,
        status as offer_status,
        {{ json_text('opening', '$.opening_id') }} as opening_code,
        -- dates and timestamps (UTC)
        sent_at as sent_date,
        starts_at as start_date,
        resolved_at,
        created_at,
        updated_at
    from source
)

select * from renamed
