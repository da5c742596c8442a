with source as (
    select * from {{ source('greenhouse', 'applications') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as application_id,
        'greenhouse:' || candidate_id as candidate_id,
        -- an application has one job; a sourced prospect may have none
        'greenhouse:' || {{ json_text('jobs', '$[0].id') }} as job_id,
        'greenhouse:' || {{ json_text('source', '$.id') }} as source_id,
        'greenhouse:' || {{ json_text('credited_to', '$.id') }} as credited_to_user_id,
        'greenhouse:' || {{ json_text('rejection_reason', '$.id') }} as rejection_reason_id,
        'greenhouse:' || {{ json_text('current_stage', '$.id') }} as current_stage_id,
        -- attributes
        'greenhouse' as source_system,
        status as ats_status,
        coalesce(prospect, false) as is_prospect,
        {{ json_text('source', '$.public_name') }} as source_name,
        {{ json_text('rejection_reason', '$.name') }} as rejection_reason,
        {{ json_text('rejection_reason', '$.type.name') }} as rejection_reason_type,
        {{ json_text('current_stage', '$.name') }} as current_stage_name,
        -- timestamps (UTC)
        applied_at,
        rejected_at,
        last_activity_at
    from source
)

select * from renamed
