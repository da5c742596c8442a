with source as (
    select * from {{ source('greenhouse', 'job_stages') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as job_stage_id,
        'greenhouse:' || job_id as job_id,
        -- attributes
        'greenhouse' as source_system,
        name as stage_name,
        priority as stage_priority,
        -- timestamps (UTC)
        created_at,
        updated_at
    from source
)

select * from renamed
