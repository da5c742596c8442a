-- Lever archive reasons, renamed: `status` hired or non-hired.
with source as (
    select * from {{ source('lever', 'archive_reasons') }}
),

renamed as (
    select
        'lever:' || id as archive_reason_id,
        text as archive_reason_name,
        status = 'hired' as is_hired_reason
    from source
)

select * from renamed
