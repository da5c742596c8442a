-- Quality of hire and 90-day retention by month and quarter of the start date
-- (the hire's cohort), per department and org-wide. Hires that have not
-- started on the as-of date, and hires without an employment record, are in
-- no cohort yet (fct_hires lists them).
with hires as (
    select fct_hires.*
    from {{ ref('fct_hires') }} as fct_hires
    cross join {{ ref('int_as_of_date') }} as as_of
    where fct_hires.start_date is not null and fct_hires.start_date <= as_of.as_of_date
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'hires.start_date') }} as period_start,
        {{ kpi_department('hires.department') }} as department,
        {{ kpi_source_system('hires.source_system') }} as source_system,
        hires.quality_of_hire,
        hires.quality_status,
        hires.performance_score,
        hires.retention_score,
        hires.manager_satisfaction_score,
        hires.retained_90d
    from hires
    {{ period_grains() }}
    {{ kpi_scopes() }}
)

select
    period_grain,
    period_start,
    department,
    source_system,
    count(*) as hires_n,
    count(quality_of_hire) as scored_n,
    cast(avg(quality_of_hire) as double) as quality_of_hire_mean,
    cast(percentile_cont(0.5) within group (order by quality_of_hire) as double) as quality_of_hire_median,
    cast(avg(performance_score) as double) as performance_mean,
    count(performance_score) as performance_n,
    cast(avg(retention_score) as double) as retention_mean,
    count(retention_score) as retention_n,
    cast(avg(manager_satisfaction_score) as double) as manager_satisfaction_mean,
    count(manager_satisfaction_score) as manager_satisfaction_n,
    count(case when retained_90d then 1 end) as retained_90d_n,
    count(retained_90d) as retention_90d_known_n,
    cast(count(case when retained_90d then 1 end) as double) / nullif(count(retained_90d), 0)
        as retention_90d_rate,
    count(case when quality_status = 'censored' then 1 end) as censored_n
from periods
group by period_grain, period_start, department, source_system
