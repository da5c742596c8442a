-- kpi_speed_by_source splits kpi_time_to_hire's hires and kpi_time_to_fill's
-- filled openings by source: summed over sources, each cut's count is theirs.
-- Reads several models: Dagster shows it as a check of kpi_speed_by_source.
{{ config(meta={'dagster': {'ref': {'name': 'kpi_speed_by_source'}}}) }}
with by_source as (
    select period_grain, period_start, department, source_system, measure, sum(events_n) as events_n
    from {{ ref('kpi_speed_by_source') }}
    group by period_grain, period_start, department, source_system, measure
),

totals as (
    select period_grain, period_start, department, source_system, 'time_to_hire' as measure, hires_n as events_n
    from {{ ref('kpi_time_to_hire') }}
    union all
    select period_grain, period_start, department, source_system, 'time_to_fill' as measure, openings_filled_n as events_n
    from {{ ref('kpi_time_to_fill') }}
)

select
    coalesce(by_source.period_grain, totals.period_grain) as period_grain,
    coalesce(by_source.period_start, totals.period_start) as period_start,
    coalesce(by_source.department, totals.department) as department,
    coalesce(by_source.source_system, totals.source_system) as source_system,
    coalesce(by_source.measure, totals.measure) as measure,
    by_source.events_n as by_source_n,
    totals.events_n as total_n
from by_source
full outer join totals
    on
        by_source.period_grain = totals.period_grain
        and by_source.period_start = totals.period_start
        and by_source.department = totals.department
        and by_source.source_system = totals.source_system
        and by_source.measure = totals.measure
where by_source.events_n is null or totals.events_n is null or by_source.events_n != totals.events_n
