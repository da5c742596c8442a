with source as (
    select * from {{ source('greenhouse', 'application_stages') }}
),

renamed as (
    select
        -- ids: a stay is an application in a stage from an entry time on
        'greenhouse:' || application_id || ':' || stage_id || ':' || entered_at as stage_stay_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || stage_id as job_stage_id,
        -- attributes
        'greenhouse' as source_system,
        stage_name,
        -- timestamps (UTC)
        {{ to_utc_timestamp('entered_at') }} as entered_at,
        {{ to_utc_timestamp('exited_at') }} as exited_at
    from source
)

select * from renamed
