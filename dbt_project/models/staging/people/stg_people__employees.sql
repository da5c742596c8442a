with source as (
    select * from {{ source('people', 'employees') }}
),

renamed as (
    select
        employee_id,
        source_system,
        source_system || ':' || application_id as application_id,
        start_date,
        termination_date,
        termination_type
    from source
)

select * from renamed
