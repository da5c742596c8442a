with source as (
    select * from {{ source('people', 'interview_talk_time') }}
),

renamed as (
    select
        source_system || ':' || interview_id || ':' || participant_role || ':' || coalesce(cast(user_id as string), '')
            as talk_time_id,
        source_system,
        source_system || ':' || interview_id as interview_id,
        participant_role,
        source_system || ':' || user_id as user_id,
        talk_seconds
    from source
)

select * from renamed
