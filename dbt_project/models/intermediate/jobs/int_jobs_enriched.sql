-- Jobs with their department, hiring team, open date and the evergreen and
-- template flags.
with jobs as (
    select * from {{ ref('int_jobs_unioned') }}
),

teams as (
    select * from {{ ref('int_hiring_teams_pivoted') }}
)

select
    jobs.job_id,
    jobs.source_system,
    jobs.job_name,
    jobs.job_status,
    coalesce(jobs.department_name, 'No department') as department,
    teams.hiring_manager_id,
    teams.recruiter_id,
    jobs.is_evergreen,
    jobs.is_template,
    jobs.created_at,
    coalesce(jobs.opened_at, jobs.created_at) as opened_at,
    jobs.closed_at
from jobs
left join teams on jobs.job_id = teams.job_id
