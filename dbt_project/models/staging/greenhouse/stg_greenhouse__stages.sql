-- One row per stage of a job's interview plan, in the plan's order (`priority`).
with source as (
    select * from {{ source('greenhouse', 'job_stages') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as stage_id,
        'greenhouse' as source_system,
        'greenhouse:' || job_id as job_id,
        -- attributes
        name as stage_name,
        cast(priority as bigint) as stage_position
    from source
)

select * from renamed
