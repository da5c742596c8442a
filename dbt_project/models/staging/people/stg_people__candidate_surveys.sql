with source as (
    select * from {{ source('people', 'candidate_surveys') }}
),

renamed as (
    select
        survey_id,
        source_system,
        source_system || ':' || application_id as application_id,
        score,
        {{ to_utc_timestamp('sent_at') }} as sent_at,
        {{ to_utc_timestamp('submitted_at') }} as submitted_at
    from source
)

select * from renamed
