with source as (
    select * from {{ source('people', 'candidate_surveys') }}
),

renamed as (
    select
        survey_id,
        source_system,
        source_system || ':' || application_id as application_id,
        score,
        sent_at,
        submitted_at
    from source
)

select * from renamed
