-- Time to fill by month and quarter of the fill date, per department and
-- org-wide. Evergreen and template jobs' openings are excluded.
with fills as (
    select
        department,
        source_system,
        cast(filled_at as date) as event_date,
        time_to_fill_days
    from {{ ref('fct_openings') }}
    where time_to_fill_days is not null and not is_evergreen and not is_template
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'fills.event_date') }} as period_start,
        {{ kpi_department('fills.department') }} as department,
        {{ kpi_source_system('fills.source_system') }} as source_system,
        fills.time_to_fill_days
    from fills
    {{ period_grains() }}
    {{ kpi_scopes() }}
)

select
    period_grain,
    period_start,
    department,
    source_system,
    count(*) as openings_filled_n,
    {{ duration_stats('time_to_fill_days') }}
from periods
group by period_grain, period_start, department, source_system
