with source as (
    select * from {{ source('people', 'employees') }}
),

renamed as (
    select
        employee_id,
        source_system,
        source_system || ':' || application_id as application_id,
        {{ to_calendar_date('start_date') }} as start_date,
        {{ to_calendar_date('termination_date') }} as termination_date,
        termination_type
    from source
)

select * from renamed
