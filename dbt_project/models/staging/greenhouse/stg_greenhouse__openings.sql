{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Openings are nested in jobs.openings: one row per opening. The hire
-- Greenhouse records on an opening is its `application_id`.
with source as (
    select * from {{ source('greenhouse', 'jobs') }}
),

openings as (
    select
        source.id as job_source_id,
        opening.value as opening
    from source
    {{ json_array_elements('source.openings', 'opening') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || {{ json_text('opening', '$.id') }} as opening_id,
        'greenhouse:' || job_source_id as job_id,
        'greenhouse' as source_system,
        -- attributes
        {{ json_text('opening', '$.opening_id') }} as opening_code,
        {{ json_text('opening', '$.status') }} as opening_status,
        {{ json_text('opening', '$.close_reason.name') }} as close_reason,
        -- timestamps (UTC)
        cast({{ json_text('opening', '$.opened_at') }} as timestamp) as opened_at,
        cast({{ json_text('opening', '$.closed_at') }} as timestamp) as closed_at,
        'greenhouse:' || {{ json_text('opening', '$.application_id') }} as hired_application_id
    from openings
)

select * from renamed
