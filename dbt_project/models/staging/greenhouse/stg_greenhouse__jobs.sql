with source as (
    select * from {{ source('greenhouse', 'jobs') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as job_id,
        -- the first listed department and office are the job's own
        'greenhouse:' || {{ json_text('departments', '$[0].id') }} as department_id,
        'greenhouse:' || {{ json_text('offices', '$[0].id') }} as office_id,
        -- attributes
        'greenhouse' as source_system,
        name as job_name,
        requisition_id,
        status as job_status,
        {{ json_text('departments', '$[0].name') }} as department_name,
        {{ json_text('offices', '$[0].name') }} as office_name,
        coalesce(cast({{ json_text('custom_fields', '$.evergreen') }} as boolean), false) as is_evergreen,
        {{ json_text('custom_fields', '$.employment_type') }} as employment_type,
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
