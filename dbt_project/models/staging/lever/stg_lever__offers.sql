{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Canonical offers from Lever: one row per offer (Lever offers have no
-- versions). status signed = accepted, denied = declined,
-- approved/sent/sent-manually/opened = pending (extended, unanswered),
-- draft/approval-sent = draft (not extended). Lever records no answer time:
-- an accepted or declined offer is resolved at its opportunity's archivedAt
-- (the hire, or the archive that followed the decline).
with offers as (
    select * from {{ source('lever', 'offers') }}
),

applications as (
    select * from {{ ref('base_lever__applications') }}
),

opportunities as (
    select * from {{ ref('base_lever__opportunities') }}
),

start_dates as (
    select
        offers.id,
        min(cast({{ epoch_ms_to_timestamp(json_text('fields.value', '$.value')) }} as date)) as start_date
    from offers
    {{ json_array_elements('offers.fields', 'fields') }}
    where {{ json_text('fields.value', '$.identifier') }} = 'anticipated_start_date'
    group by offers.id
),

mapped as (
    select
        offers.*,
        case
            when offers.status = 'signed' then 'accepted'
            when offers.status = 'denied' then 'declined'
            when offers.status in ('approved', 'sent', 'sent-manually', 'opened') then 'pending'
            when offers.status in ('draft', 'approval-sent') then 'draft'
        end as offer_status
    from offers
),

canonical as (
    select
        -- ids
        'lever:' || mapped.id as offer_id,
        applications.application_id,
        'lever:' || mapped.posting as job_id,
        applications.hired_requisition_id as opening_id,
        'lever' as source_system,
        -- attributes
        cast(1 as bigint) as offer_version,
        mapped.offer_status,
        false as is_superseded,
        cast(mapped.sentAt as date) as sent_date,
        start_dates.start_date,
        -- timestamps (UTC)
        mapped.createdAt as created_at,
        case
            when mapped.offer_status in ('accepted', 'declined') then opportunities.archived_at
        end as resolved_at,
        coalesce(mapped.sentAt, mapped.approvedAt, mapped.createdAt) as updated_at
    from mapped
    left join applications
        on 'lever:' || mapped.opportunityId = applications.opportunity_id
    left join opportunities
        on 'lever:' || mapped.opportunityId = opportunities.opportunity_id
    left join start_dates
        on mapped.id = start_dates.id
)

select * from canonical
