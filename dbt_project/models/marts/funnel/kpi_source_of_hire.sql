-- Share of hires by the application's credited source, by month and quarter
-- of the offer acceptance date, per department and org-wide.
with hires as (
    select
        department,
        source_system,
        coalesce(source_name, 'Unknown source') as source_name,
        hired_date as event_date
    from {{ ref('fct_applications') }}
    where status = 'hired' and hired_date is not null
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'hires.event_date') }} as period_start,
        {{ kpi_department('hires.department') }} as department,
        {{ kpi_source_system('hires.source_system') }} as source_system,
        hires.source_name
    from hires
    {{ period_grains() }}
    {{ kpi_scopes() }}
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        source_name,
        count(*) as hires_n
    from periods
    group by period_grain, period_start, department, source_system, source_name
)

select
    period_grain,
    period_start,
    department,
    source_system,
    source_name,
    hires_n,
    cast(hires_n as double) / sum(hires_n) over (partition by period_grain, period_start, department, source_system)
        as share_of_hires
from counted
