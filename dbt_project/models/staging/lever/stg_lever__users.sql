-- Canonical users from Lever: hiring managers, recruiters, interviewers.
with source as (
    select * from {{ source('lever', 'users') }}
),

canonical as (
    select
        'lever:' || id as user_id,
        'lever' as source_system,
        name as user_name,
        lower(email) as email,
        cast(null as string) as employee_id,
        deactivatedAt is not null as is_disabled,
        createdAt as created_at
    from source
)

select * from canonical
