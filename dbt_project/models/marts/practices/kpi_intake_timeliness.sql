-- Intake on-time rate by month and quarter of the job's open date, per
-- department and org-wide. Template jobs are left out; jobs whose intake
-- window is still open on the as-of date are pending, outside the rate.
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
        jobs.is_intake_on_time,
        jobs.is_intake_pending,
        jobs.intake_held_at
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
        count(case when intake_held_at is not null then 1 end) as intakes_held,
        count(case when is_intake_on_time then 1 end) as intakes_on_time,
        count(case when is_intake_pending then 1 end) as intakes_pending
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    jobs_opened,
    intakes_held,
    intakes_on_time,
    intakes_pending,
    cast(intakes_on_time as double) / nullif(jobs_opened - intakes_pending, 0) as intake_on_time_rate
from counted
