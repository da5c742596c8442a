-- Licensed-at-open coverage by month and quarter of the job's open date, per
-- department and org-wide (docs block metric_licensed_at_open). Template jobs
-- are left out. The as-of figure per manager is kpi_license_coverage_now.
with jobs as (
    select * from {{ ref('fct_jobs_practices') }}
    where not coalesce(is_template, false)
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'jobs.opened_date') }} as period_start,
        {{ kpi_department('jobs.department') }} as department,
        {{ kpi_source_system('jobs.source_system') }} as source_system,
        jobs.licensed_at_open
    from jobs
    {{ period_grains() }}
    {{ kpi_scopes() }}
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        count(*) as jobs_opened,
        count(case when licensed_at_open then 1 end) as jobs_licensed_at_open
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    jobs_opened,
    jobs_licensed_at_open,
    cast(jobs_licensed_at_open as double) / nullif(jobs_opened, 0) as license_coverage
from counted
