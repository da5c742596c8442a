-- Greenhouse meaning translated into canonical columns (orchestration/canonical.py):
-- * is_superseded: a `converted` prospect application lives on as the
--   application it became.
-- * ended_at / ended_by / end_reason: a `rejected` application ended at its
--   rejection (else its last activity); a rejection reason of type
--   "They rejected us" means the candidate withdrew, any other the company
--   rejected them.
-- * is_hired_in_ats / hire_evidence_at: a `hired` application, with its last
--   activity as Greenhouse's only word on when (a `hired` stage entry or an
--   accepted offer takes precedence downstream).
-- * hired_opening_id: Greenhouse names the hire on the opening
--   (stg_greenhouse__openings.hired_application_id), not on the application.
with source as (
    select * from {{ source('greenhouse', 'applications') }}
),

renamed as (
    select
        -- ids
        'greenhouse:' || id as application_id,
        'greenhouse:' || candidate_id as candidate_id,
        'greenhouse' as source_system,
        -- an application has one job; a sourced prospect may have none
        'greenhouse:' || {{ json_text('jobs', '$[0].id') }} as job_id,
        {{ json_text('source', '$.public_name') }} as source_name,
        'greenhouse:' || {{ json_text('credited_to', '$.id') }} as credited_to_user_id,
        -- attributes
        coalesce(prospect, false) as is_prospect,
        -- timestamps (UTC)
        applied_at,
        last_activity_at,
        -- stage and outcome as the ATS records them
        {{ json_text('current_stage', '$.name') }} as current_stage_name,
        coalesce(status = 'converted', false) as is_superseded,
        case when status = 'rejected' then coalesce(rejected_at, last_activity_at) end as ended_at,
        case
            when status = 'rejected' and {{ json_text('rejection_reason', '$.type.name') }} = 'They rejected us'
                then 'candidate'
            when status = 'rejected' then 'company'
        end as ended_by,
        case when status = 'rejected' then {{ json_text('rejection_reason', '$.name') }} end as end_reason,
        coalesce(status = 'hired', false) as is_hired_in_ats,
        case when status = 'hired' then last_activity_at end as hire_evidence_at,
        cast(null as string) as hired_opening_id
    from source
)

select * from renamed
