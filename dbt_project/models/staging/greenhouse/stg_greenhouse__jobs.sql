-- job_status: Greenhouse's `open`, `closed` and `draft` are the canonical values.
with source as (
    select * from {{ source('greenhouse', 'jobs') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as job_id,
        'greenhouse' as source_system,
        -- attributes: the first listed department and office are the job's own
        name as job_name,
        lower(status) as job_status,
        {{ json_text('departments', '$[0].name') }} as department_name,
        {{ json_text('offices', '$[0].name') }} as office_name,
        coalesce(cast({{ json_text('custom_fields', '$.evergreen') }} as boolean), false) as is_evergreen,
        -- Harvest `is_template`: a job template, not a requisition (the linter's
        -- keyword list has the name)
        coalesce(is_template, false) as is_template,  -- noqa: RF04
        -- timestamps (UTC)
        created_at,
        opened_at,
        closed_at,
        updated_at
    from source
)

select * from renamed
