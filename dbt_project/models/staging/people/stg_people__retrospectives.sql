with source as (
    select * from {{ source('people', 'retrospectives') }}
),

renamed as (
    select
        source_system || ':' || job_id || ':' || coalesce(cast(opening_id as string), '') as retrospective_id,
        source_system,
        source_system || ':' || job_id as job_id,
        source_system || ':' || opening_id as opening_id,
        held_at
    from source
)

select * from renamed
