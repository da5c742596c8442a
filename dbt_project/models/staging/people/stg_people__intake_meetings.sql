with source as (
    select * from {{ source('people', 'intake_meetings') }}
),

renamed as (
    select
        source_system,
        source_system || ':' || job_id as job_id,
        checklist_complete,
        held_at
    from source
)

select * from renamed
