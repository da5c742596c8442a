-- Scorecard on-time rate by month and quarter of the interview's scheduled
-- end, per department and org-wide. Scorecards still missing inside their
-- SLA on the as-of date are pending: reported, outside the rate.
with scorecards as (
    select * from {{ ref('fct_scorecards') }}
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'scorecards.interview_end_date') }} as period_start,
        {{ kpi_department('scorecards.department') }} as department,
        {{ kpi_source_system('scorecards.source_system') }} as source_system,
        scorecards.is_submitted,
        scorecards.is_on_time,
        scorecards.is_missing_and_late,
        scorecards.is_pending
    from scorecards
    {{ period_grains() }}
    {{ kpi_scopes() }}
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        count(*) as scorecards_expected,
        count(case when is_submitted then 1 end) as scorecards_submitted,
        count(case when is_on_time then 1 end) as scorecards_on_time,
        count(case when is_submitted and not is_on_time then 1 end) as scorecards_submitted_late,
        count(case when is_missing_and_late then 1 end) as scorecards_missing_and_late,
        count(case when is_pending then 1 end) as scorecards_pending
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    scorecards_expected,
    scorecards_submitted,
    scorecards_on_time,
    scorecards_submitted_late,
    scorecards_missing_and_late,
    scorecards_pending,
    cast(scorecards_on_time as double)
        / nullif(scorecards_expected - scorecards_pending, 0) as on_time_rate
from counted
