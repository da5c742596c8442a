-- Canonical applications from Lever: one row per application, with its
-- opportunity's contact, credited source, current stage and archive.
-- Hired = archived with a reason whose status is `hired` (archivedAt is the
-- hire); any other archive ended it, and who ended it comes from the
-- analyst-editable seed archive_reason_mapping (unmapped: company).
with applications as (
    select * from {{ ref('base_lever__applications') }}
),

opportunities as (
    select * from {{ ref('base_lever__opportunities') }}
),

archive_reasons as (
    select * from {{ ref('base_lever__archive_reasons') }}
),

stages as (
    select * from {{ ref('base_lever__stages') }}
),

reason_mapping as (
    select
        lower(trim(reason_name)) as reason_key,
        ended_by
    from {{ ref('archive_reason_mapping') }}
    where source_system = 'lever'
),

joined as (
    select
        applications.application_id,
        opportunities.contact_id as candidate_id,
        applications.job_id,
        opportunities.source_name,
        opportunities.owner_user_id as credited_to_user_id,
        applications.application_type = 'user' or opportunities.origin = 'sourced' as is_prospect,
        applications.created_at as applied_at,
        opportunities.updated_at as last_activity_at,
        stages.stage_name as current_stage_name,
        opportunities.archived_at,
        opportunities.archived_at is not null as is_archived,
        coalesce(archive_reasons.is_hired_reason, false) as is_hired_reason,
        archive_reasons.archive_reason_name,
        reason_mapping.ended_by as mapped_ended_by,
        applications.hired_requisition_id
    from applications
    inner join opportunities
        on applications.opportunity_id = opportunities.opportunity_id
    left join archive_reasons
        on opportunities.archive_reason_id = archive_reasons.archive_reason_id
    left join stages
        on opportunities.current_stage_id = stages.stage_id
    left join reason_mapping
        on lower(trim(archive_reasons.archive_reason_name)) = reason_mapping.reason_key
),

canonical as (
    select
        -- ids
        application_id,
        candidate_id,
        'lever' as source_system,
        job_id,
        -- attributes
        source_name,
        credited_to_user_id,
        is_prospect,
        applied_at,
        last_activity_at,
        current_stage_name,
        false as is_superseded,
        -- ended without a hire
        case when is_archived and not is_hired_reason then archived_at end as ended_at,
        case
            when is_archived and not is_hired_reason then coalesce(mapped_ended_by, 'company')
        end as ended_by,
        case when is_archived and not is_hired_reason then archive_reason_name end as end_reason,
        -- hired
        is_archived and is_hired_reason as is_hired_in_ats,
        case when is_archived and is_hired_reason then archived_at end as hire_evidence_at,
        case when is_archived and is_hired_reason then hired_requisition_id end as hired_opening_id
    from joined
)

select * from canonical
