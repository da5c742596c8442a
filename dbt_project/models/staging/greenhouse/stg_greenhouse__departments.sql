with source as (
    select * from {{ source('greenhouse', 'departments') }}
),

renamed as (
    select
        'greenhouse:' || id as department_id,
        'greenhouse:' || parent_id as parent_department_id,
        'greenhouse' as source_system,
        name as department_name
    from source
)

select * from renamed
