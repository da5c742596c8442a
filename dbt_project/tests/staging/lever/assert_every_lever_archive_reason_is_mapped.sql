-- Reads several models: Dagster shows it as a check of the archive_reason_mapping seed.
{{ config(severity='warn', store_failures=true, meta={'dagster': {'ref': {'name': 'archive_reason_mapping'}}}) }}
-- Every Lever archive reason that does not mean a hire is in
-- seeds/archive_reason_mapping.csv. An unmapped one counts as ended by the
-- company (rejected); each warning row names it: add it to the seed with
-- `candidate` or `company`.
with reasons as (
    select
        'lever' as source_system,
        archive_reason_name as reason_name
    from {{ ref('base_lever__archive_reasons') }}
    where not is_hired_reason
),

mapping as (
    select
        source_system,
        lower(trim(reason_name)) as reason_key
    from {{ ref('archive_reason_mapping') }}
)

select
    reasons.source_system,
    reasons.reason_name
from reasons
left join mapping
    on reasons.source_system = mapping.source_system
        and lower(trim(reasons.reason_name)) = mapping.reason_key
where mapping.reason_key is null
