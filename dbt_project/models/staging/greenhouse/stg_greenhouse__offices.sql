with source as (
    select * from {{ source('greenhouse', 'offices') }}
),

renamed as (
    select
        'greenhouse:' || id as office_id,
        'greenhouse' as source_system,
        name as office_name,
        {{ json_text('location', '$.name') }} as location_name
    from source
)

select * from renamed
