-- Pass-through from each canonical stage, by month and quarter the application
-- entered it, per department and org-wide (outcomes: int_application_stage_outcomes;
-- the rule: docs block metric_pass_through_rate, _funnel__docs.md).
with outcomes as (
    select * from {{ ref('int_application_stage_outcomes') }}
),

applications as (
    select * from {{ ref('fct_applications') }}
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'outcomes.entered_date') }} as period_start,
        {{ kpi_department('applications.department') }} as department,
        {{ kpi_source_system('applications.source_system') }} as source_system,
        outcomes.canonical_stage,
        outcomes.canonical_stage_order,
        outcomes.outcome
    from outcomes
    inner join applications on outcomes.application_id = applications.application_id
    {{ period_grains() }}
    {{ kpi_scopes() }}
    where outcomes.entered_date is not null and applications.job_id is not null
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        canonical_stage,
        canonical_stage_order,
        count(case when outcome = 'passed' then 1 end) as passed_n,
        count(case when outcome = 'rejected' then 1 end) as rejected_n,
        count(case when outcome = 'in_progress' then 1 end) as in_progress_n
    from periods
    group by period_grain, period_start, department, source_system, canonical_stage, canonical_stage_order
)

select
    period_grain,
    period_start,
    department,
    source_system,
    canonical_stage,
    canonical_stage_order,
    passed_n,
    rejected_n,
    in_progress_n,
    cast(passed_n as double) / nullif(passed_n + rejected_n, 0) as pass_through_rate
from counted
