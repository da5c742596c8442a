-- Lever interviews, renamed and cast. `date` is the start, `duration` minutes.
with source as (
    select * from {{ source('lever', 'interviews') }}
),

renamed as (
    select
        -- ids
        'lever:' || id as interview_id,
        'lever:' || opportunityId as opportunity_id,
        -- attributes
        subject as interview_name,
        interviewers,
        -- timestamps (UTC)
        {{ adapter.quote('date') }} as starts_at,
        {{ dbt.dateadd('minute', 'duration', adapter.quote('date')) }} as ends_at,
        canceledAt as canceled_at,
        createdAt as created_at
    from source
)

select * from renamed
