-- Time in stage per canonical stage, by month and quarter of the stay's exit
-- date, per department × ATS with the org-wide and all-ATS rows. Completed
-- stays only: open stays are stage aging (fct_application_stages).
with stays as (
    select
        stages.canonical_stage,
        stages.canonical_stage_order,
        stages.department,
        applications.source_system,
        cast(stages.exited_at as date) as event_date,
        stages.days_in_stage
    from {{ ref('fct_application_stages') }} as stages
    inner join {{ ref('fct_applications') }} as applications
        on stages.application_id = applications.application_id
    where not stages.is_open and stages.days_in_stage is not null
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'stays.event_date') }} as period_start,
        {{ kpi_department('stays.department') }} as department,
        {{ kpi_source_system('stays.source_system') }} as source_system,
        stays.canonical_stage,
        stays.canonical_stage_order,
        stays.days_in_stage
    from stays
    {{ period_grains() }}
    {{ kpi_scopes() }}
)

select
    period_grain,
    period_start,
    department,
    source_system,
    canonical_stage,
    canonical_stage_order,
    count(*) as stays_n,
    {{ duration_stats('days_in_stage') }}
from periods
group by period_grain, period_start, department, source_system, canonical_stage, canonical_stage_order
