with source as (
    select * from {{ source('people', 'training_completions') }}
),

renamed as (
    select
        lower(trim(user_email)) || ':' || course_code || ':' || completed_at as training_completion_id,
        lower(trim(user_email)) as user_email,
        course_code,
        {{ to_utc_timestamp('completed_at') }} as completed_at,
        {{ to_utc_timestamp('expires_at') }} as expires_at
    from source
)

select * from renamed
