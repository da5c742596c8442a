-- Canonical candidates from Lever: one row per contact (the person behind one
-- or more opportunities). The person key is the keyed hash of the email of the
-- contact's first opportunity (hashed at ingest), else the candidate id.
with opportunities as (
    select * from {{ ref('base_lever__opportunities') }}
),

ranked as (
    select
        contact_id,
        email_hash,
        created_at,
        min(created_at) over (partition by contact_id) as first_created_at,
        row_number() over (
            partition by contact_id order by created_at, opportunity_id
        ) as opportunity_rank
    from opportunities
    where contact_id is not null
),

canonical as (
    select
        contact_id as candidate_id,
        'lever' as source_system,
        coalesce(email_hash, contact_id) as candidate_key,
        first_created_at as created_at
    from ranked
    where opportunity_rank = 1
)

select * from canonical
