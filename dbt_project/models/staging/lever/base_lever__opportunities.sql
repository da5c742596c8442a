-- Lever opportunities, renamed and cast; one row per opportunity (a contact's
-- candidacy). The stage history stays JSON for stg_lever__stage_stays.
with source as (
    select * from {{ source('lever', 'opportunities') }}
),

renamed as (
    select
        -- ids
        'lever:' || id as opportunity_id,
        'lever:' || contact as contact_id,
        'lever:' || stage as current_stage_id,
        'lever:' || owner as owner_user_id,
        'lever:' || {{ json_text('archived', '$.reason') }} as archive_reason_id,
        -- attributes (emails: the keyed hash of the first email, from ingest)
        emails as email_hash,
        origin,
        {{ json_text('sources', '$[0]') }} as source_name,
        stageChanges as stage_changes,
        -- timestamps (UTC; nested ones are canonical UTC text from ingest)
        cast({{ json_text('archived', '$.archivedAt') }} as timestamp) as archived_at,
        createdAt as created_at,
        updatedAt as updated_at,
        lastAdvancedAt as last_advanced_at
    from source
)

select * from renamed
