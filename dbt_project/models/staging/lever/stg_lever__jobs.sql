-- Canonical jobs from Lever: one row per posting. state published/internal =
-- open, closed = closed, draft and pending (awaiting approval) = draft,
-- rejected = closed. Lever records no open or close time for a posting.
with source as (
    select * from {{ source('lever', 'postings') }}
),

canonical as (
    select
        -- ids
        'lever:' || id as job_id,
        'lever' as source_system,
        -- attributes
        text as job_name,
        case
            when state in ('published', 'internal') then 'open'
            when state in ('closed', 'rejected') then 'closed'
            when state in ('draft', 'pending') then 'draft'
        end as job_status,
        {{ json_text('categories', '$.department') }} as department_name,
        {{ json_text('categories', '$.location') }} as office_name,
        false as is_evergreen,
        false as is_template,
        -- timestamps (UTC)
        createdAt as created_at,
        cast(null as timestamp) as opened_at,
        cast(null as timestamp) as closed_at,
        updatedAt as updated_at
    from source
)

select * from canonical
