-- Hiring manager talk share by month and quarter of the interview date (its
-- scheduled start), per department and org-wide, over interviews with
-- note-taker data where the hiring manager took part.
with interviews as (
    select * from {{ ref('fct_interviews') }}
    where has_talk_data and interview_status != 'cancelled'
),

periods as (
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'cast(interviews.starts_at as date)') }} as period_start,
        {{ kpi_department('interviews.department') }} as department,
        {{ kpi_source_system('interviews.source_system') }} as source_system,
        interviews.hiring_manager_talk_share,
        interviews.candidate_talk_share,
        interviews.is_talk_share_flagged
    from interviews
    {{ period_grains() }}
    {{ kpi_scopes() }}
)

select
    period_grain,
    period_start,
    department,
    source_system,
    count(*) as interviews_with_talk_data,
    count(hiring_manager_talk_share) as interviews_with_hiring_manager,
    percentile_cont(0.5) within group (order by hiring_manager_talk_share)
        as median_hiring_manager_talk_share,
    percentile_cont(0.5) within group (order by candidate_talk_share)
        as median_candidate_talk_share,
    count(case when is_talk_share_flagged then 1 end) as interviews_flagged,
    cast(count(case when is_talk_share_flagged then 1 end) as double)
        / nullif(count(hiring_manager_talk_share), 0) as share_flagged
from periods
group by period_grain, period_start, department, source_system
