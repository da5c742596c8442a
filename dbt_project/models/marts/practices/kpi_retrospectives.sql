-- Retrospective rate by month and quarter of the fill date, per department
-- and org-wide: fills with a retrospective within the window / fills whose
-- window has closed on the as-of date (pending fills reported apart).
-- Evergreen and template jobs' openings are left out, as in time to fill.
with fills as (
    select * from {{ ref('fct_openings_practices') }}
    where not coalesce(is_evergreen, false) and not coalesce(is_template, false)
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'fills.filled_date') }} as period_start,
        {{ kpi_department('fills.department') }} as department,
        {{ kpi_source_system('fills.source_system') }} as source_system,
        fills.is_retrospective_done,
        fills.is_retrospective_pending
    from fills
    {{ period_grains() }}
    {{ kpi_scopes() }}
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        count(*) as openings_filled,
        count(case when is_retrospective_done then 1 end) as retrospectives_done,
        count(case when is_retrospective_pending then 1 end) as retrospectives_pending
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    openings_filled,
    retrospectives_done,
    retrospectives_pending,
    cast(retrospectives_done as double)
        / nullif(openings_filled - retrospectives_pending, 0) as retrospective_rate
from counted
