-- Canonical openings from Lever: one row per requisition, opened at its
-- createdAt, on its first posting, filled by the (first) hire whose
-- application names it in requisitionForHire.
with source as (
    select * from {{ source('lever', 'requisitions') }}
),

hires as (
    select
        hired_opening_id,
        application_id,
        row_number() over (
            partition by hired_opening_id order by hire_evidence_at, application_id
        ) as hire_rank
    from {{ ref('stg_lever__applications') }}
    where hired_opening_id is not null
),

canonical as (
    select
        -- ids
        'lever:' || source.id as opening_id,
        'lever:' || {{ json_text('source.postings', '$[0]') }} as job_id,
        'lever' as source_system,
        -- attributes
        source.requisitionCode as opening_code,
        case when source.status = 'closed' then 'closed' else 'open' end as opening_status,
        case
            when source.status = 'closed' and hires.application_id is null then 'cancelled'
        end as close_reason,
        -- timestamps (UTC)
        source.createdAt as opened_at,
        cast(null as timestamp) as closed_at,
        hires.application_id as hired_application_id
    from source
    left join hires
        on 'lever:' || source.id = hires.hired_opening_id
            and hires.hire_rank = 1
)

select * from canonical
