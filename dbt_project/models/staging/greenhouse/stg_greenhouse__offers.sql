-- Offer versions in canonical terms: Greenhouse `deprecated` versions were
-- replaced by a newer one (is_superseded, no status of their own);
-- `rejected` = declined by the candidate; `unresolved` = pending.
with source as (
    select * from {{ source('greenhouse', 'offers') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as offer_id,
        'greenhouse:' || application_id as application_id,
        'greenhouse:' || job_id as job_id,
        'greenhouse:' || {{ json_text('opening', '$.id') }} as opening_id,
        'greenhouse' as source_system,
        -- attributes
        cast(version as bigint) as offer_version,
        case
            when status = 'accepted' then 'accepted'
            when status = 'rejected' then 'declined'
            when status = 'unresolved' then 'pending'
        end as offer_status,
        coalesce(status = 'deprecated', false) as is_superseded,
        -- dates and timestamps (UTC)
        cast(sent_at as date) as sent_date,
        cast(starts_at as date) as start_date,
        created_at,
        resolved_at,
        updated_at
    from source
)

select * from renamed
