-- Candidates of every ATS, pseudonymized (one row per source candidate).
select
    candidate_id,
    candidate_key,
    source_system,
    created_at
from {{ ref('stg_greenhouse__candidates') }}
