with source as (
    select * from {{ source('people', 'training_completions') }}
),

renamed as (
    select
        lower(trim(user_email)) || ':' || course_code || ':' || {{ utc_iso_text('completed_at') }} as training_completion_id,
        lower(trim(user_email)) as user_email,
        course_code,
        completed_at,
        expires_at
    from source
)

select * from renamed
