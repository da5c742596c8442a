-- One row per application applied on or before the as-of date, with its
-- status on that date and, for hires, the time to hire (docs block
-- metric_time_to_hire, speed/_speed__docs.md).
with applications as (
    select * from {{ ref('int_applications_resolved') }}
),

jobs as (
    select * from {{ ref('int_jobs_enriched') }}
)

select
    applications.application_id,
    applications.source_system,
    applications.job_id,
    jobs.job_name,
    coalesce(jobs.department, 'No department') as department,
    jobs.hiring_manager_id,
    jobs.recruiter_id,
    applications.source_name,
    applications.is_prospect,
    applications.applied_at,
    cast(applications.applied_at as date) as applied_date,
    applications.furthest_stage,
    applications.furthest_stage_order,
    applications.status,
    applications.rejection_reason,
    applications.ended_at,
    applications.offer_status,
    applications.offer_accepted_at,
    applications.hired_at,
    cast(applications.hired_at as date) as hired_date,
    {{ days_between('applications.applied_at', 'applications.hired_at') }} as time_to_hire_days
from applications
left join jobs on applications.job_id = jobs.job_id
