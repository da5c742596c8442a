-- Lever's pipeline stages, renamed; the file's order is the pipeline order.
with source as (
    select * from {{ source('lever', 'stages') }}
),

renamed as (
    select
        'lever:' || id as stage_id,
        text as stage_name,
        row_number() over (order by _source_file, _line, id) as stage_position
    from source
)

select * from renamed
