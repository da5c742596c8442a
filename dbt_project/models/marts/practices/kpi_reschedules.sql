-- Reschedule rate per source system, by month and quarter of the date first
-- scheduled, per department and org-wide. No current source records
-- reschedules: reschedules_recorded is false and the rate null, so the
-- dashboards show "not recorded", never 0.
with interviews as (
    select * from {{ ref('fct_interviews') }}
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'interviews.scheduled_date') }} as period_start,
        {{ kpi_department('interviews.department') }} as department,
        {{ kpi_source_system('interviews.source_system') }} as source_system,
        interviews.reschedules_recorded,
        interviews.is_rescheduled
    from interviews
    {{ period_grains() }}
    {{ kpi_scopes() }}
),

counted as (
    select
        period_grain,
        period_start,
        department,
        source_system,
        count(*) as interviews_scheduled,
        -- recorded only when every interview of the source records it
        min(case when reschedules_recorded then 1 else 0 end) = 1 as reschedules_recorded,
        count(case when is_rescheduled then 1 end) as interviews_rescheduled
    from periods
    group by period_grain, period_start, department, source_system
)

select
    period_grain,
    period_start,
    department,
    source_system,
    interviews_scheduled,
    reschedules_recorded,
    case when reschedules_recorded then interviews_rescheduled end as interviews_rescheduled,
    case
        when reschedules_recorded
            then cast(interviews_rescheduled as double) / nullif(interviews_scheduled, 0)
    end as reschedule_rate
from counted
