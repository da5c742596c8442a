-- Time to hire and time to fill by the credited candidate source, by month and
-- quarter, per department and org-wide: which channels bring people in fast.
-- A hire counts in the period of its offer acceptance (as kpi_time_to_hire),
-- a fill in the period of its fill date and under the source of the
-- application that filled it (as kpi_time_to_fill: evergreen and template
-- jobs left out).
with hires as (
    select
        'time_to_hire' as measure,
        department,
        source_system,
        coalesce(source_name, 'Unknown source') as source_name,
        hired_date as event_date,
        time_to_hire_days as duration_days
    from {{ ref('fct_applications') }}
    where status = 'hired' and time_to_hire_days is not null
),

fills as (
    select
        'time_to_fill' as measure,
        openings.department,
        openings.source_system,
        coalesce(applications.source_name, 'Unknown source') as source_name,
        cast(openings.filled_at as date) as event_date,
        openings.time_to_fill_days as duration_days
    from {{ ref('fct_openings') }} as openings
    left join {{ ref('fct_applications') }} as applications
        on openings.filled_by_application_id = applications.application_id
    where
        openings.time_to_fill_days is not null
        and not openings.is_evergreen
        and not openings.is_template
),

events as (
    select * from hires
    union all
    select * from fills
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'events.event_date') }} as period_start,
        {{ kpi_department('events.department') }} as department,
        {{ kpi_source_system('events.source_system') }} as source_system,
        events.measure,
        events.source_name,
        events.duration_days
    from events
    {{ period_grains() }}
    {{ kpi_scopes() }}
)

select
    period_grain,
    period_start,
    department,
    source_system,
    measure,
    source_name,
    count(*) as events_n,
    {{ duration_stats('duration_days') }}
from periods
group by period_grain, period_start, department, source_system, measure, source_name
