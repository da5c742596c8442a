-- Licensed hiring managers / hiring managers with an open job on the as-of
-- date, per department (of their open jobs) and org-wide (each manager once).
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

open_jobs as (
    select jobs.*
    from {{ ref('int_jobs_enriched') }} as jobs
    cross join as_of
    where jobs.hiring_manager_id is not null
        and not coalesce(jobs.is_template, false)
        and coalesce(jobs.job_status, 'open') != 'draft'
        and cast(jobs.opened_at as date) <= as_of.as_of_date
        and not coalesce(cast(jobs.closed_at as date) <= as_of.as_of_date, jobs.job_status = 'closed')
),

users as (
    select user_id, email from {{ ref('int_users_unioned') }}
),

licensed_managers as (
    select distinct users.user_id
    from users
    inner join {{ ref('stg_people__training_completions') }} as completions
        on users.email = completions.user_email
    cross join as_of
    where completions.course_code = '{{ var("license_course") }}'
        and cast(completions.completed_at as date) <= as_of.as_of_date
        and {{ license_valid_through('completions.completed_at', 'completions.expires_at') }} >= as_of.as_of_date
),

managers as (
    select distinct
        {{ kpi_department('open_jobs.department') }} as department,
        {{ kpi_source_system('open_jobs.source_system') }} as source_system,
        open_jobs.hiring_manager_id,
        licensed_managers.user_id is not null as is_licensed
    from open_jobs
    left join licensed_managers on open_jobs.hiring_manager_id = licensed_managers.user_id
    {{ kpi_scopes() }}
)

select
    managers.department,
    managers.source_system,
    count(*) as hiring_managers_with_open_job,
    count(case when managers.is_licensed then 1 end) as hiring_managers_licensed,
    cast(count(case when managers.is_licensed then 1 end) as double) / count(*) as license_coverage,
    as_of.as_of_date
from managers
cross join as_of
group by managers.department, managers.source_system, as_of.as_of_date
