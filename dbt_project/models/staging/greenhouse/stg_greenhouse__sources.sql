with source as (
    select * from {{ source('greenhouse', 'sources') }}
),

renamed as (
    select
        'greenhouse:' || id as source_id,
        'greenhouse' as source_system,
        name as source_name,
        {{ json_text('type', '$.name') }} as source_type
    from source
)

select * from renamed
