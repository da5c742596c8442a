-- Personal data stops here: names, emails and phone numbers leave this model
-- only as keyed hashes.
with source as (
    select * from {{ source('greenhouse', 'candidates') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as candidate_id,
        -- pseudonymous person key: the first listed email, else the candidate id
        coalesce(
            {{ keyed_hash("lower(trim(" ~ json_text('email_addresses', '$[0].value') ~ "))") }},
            {{ keyed_hash("'greenhouse:' || id") }}
        ) as candidate_key,
        -- attributes (hashed)
        'greenhouse' as source_system,
        {{ keyed_hash('lower(trim(first_name))') }} as first_name_hash,
        {{ keyed_hash('lower(trim(last_name))') }} as last_name_hash,
        {{ keyed_hash("lower(trim(" ~ json_text('email_addresses', '$[0].value') ~ "))") }} as email_hash,
        {{ keyed_hash("regexp_replace(" ~ json_text('phone_numbers', '$[0].value') ~ ", '[^0-9+]', '', 'g')") }}
            as phone_hash,
        -- timestamps (UTC)
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at
    from source
)

select * from renamed
