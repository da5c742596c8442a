-- Time to hire by month and quarter of the offer acceptance date (hired_date),
-- per department and org-wide.
with hires as (
    select
        department,
        source_system,
        hired_date as event_date,
        time_to_hire_days
    from {{ ref('fct_applications') }}
    where status = 'hired' and time_to_hire_days is not null
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'hires.event_date') }} as period_start,
        {{ kpi_department('hires.department') }} as department,
        {{ kpi_source_system('hires.source_system') }} as source_system,
        hires.time_to_hire_days
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
    {{ duration_stats('time_to_hire_days') }}
from periods
group by period_grain, period_start, department, source_system
