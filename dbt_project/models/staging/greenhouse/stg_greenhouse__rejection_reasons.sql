with source as (
    select * from {{ source('greenhouse', 'rejection_reasons') }}
),

renamed as (
    select
        'greenhouse:' || id as rejection_reason_id,
        'greenhouse' as source_system,
        name as rejection_reason,
        {{ json_text('type', '$.name') }} as rejection_reason_type
    from source
)

select * from renamed
