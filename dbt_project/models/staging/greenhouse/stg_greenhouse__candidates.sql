-- Personal data never reaches this model in plain text: names, emails and
-- phone numbers were replaced by keyed hashes at ingest (orchestration/ingest/pii.py),
-- so neither the values nor the secret appear in SQL.
with source as (
    select * from {{ source('greenhouse', 'candidates') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as candidate_id,
        'greenhouse' as source_system,
        -- pseudonymous person key: the first listed email's hash (the same in
        -- every source), else the candidate id
        coalesce(email_addresses, 'greenhouse:' || id) as candidate_key,
        -- timestamps (UTC)
        created_at
    from source
)

select * from renamed
