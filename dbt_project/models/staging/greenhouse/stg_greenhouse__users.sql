-- Users are employees of the company (hiring managers, recruiters,
-- interviewers), shown by name in the manager views; not candidate data.
with source as (
    select * from {{ source('greenhouse', 'users') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as user_id,
        'greenhouse' as source_system,
        -- attributes
        coalesce(name, trim(concat(first_name, ' ', last_name))) as user_name,
        lower(trim(primary_email_address)) as email,
        cast(employee_id as string) as employee_id,
        coalesce(disabled, false) as is_disabled,
        -- timestamps (UTC)
        created_at
    from source
)

select * from renamed
