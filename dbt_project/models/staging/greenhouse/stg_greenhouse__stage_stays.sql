with source as (
    select * from {{ source('greenhouse', 'application_stages') }}
),

renamed as (
    select
        -- ids: a stay is an application in a stage from an entry time on
        'greenhouse:' || application_id || ':' || stage_id || ':' || {{ utc_iso_text('entered_at') }} as stage_stay_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || stage_id as stage_id,
        -- attributes
        'greenhouse' as source_system,
        stage_name,
        -- timestamps (UTC)
        entered_at,
        exited_at
    from source
)

select * from renamed
