-- EEOC self-identification, used only in aggregate. A null answer or
-- 'Decline To Self Identify' is non-response; kept as given here.
with source as (
    select * from {{ source('greenhouse', 'demographics') }}
),

renamed as (
    select
        'greenhouse:' || application_id as application_id,
        'greenhouse' as source_system,
        {{ json_text('gender', '$.description') }} as gender,
        {{ json_text('race', '$.description') }} as race,
        {{ json_text('veteran_status', '$.message') }} as veteran_status,
        {{ json_text('disability_status', '$.description') }} as disability_status,
        submitted_at
    from source
)

select * from renamed
