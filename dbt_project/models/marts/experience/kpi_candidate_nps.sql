-- Candidate NPS by month and quarter of the response date, overall and cut by
-- outcome, furthest stage, department and hiring manager, with the response
-- rate of the surveys sent in the period and the minimum group size applied
-- in the data (complementary suppression within each period and cut type).
with surveys as (
    select * from {{ ref('fct_candidate_survey_responses') }}
),

cut_types as (
    select 'all' as cut_type
    union all
    select 'outcome' as cut_type
    union all
    select 'furthest_stage' as cut_type
    union all
    select 'department' as cut_type
    union all
    select 'hiring_manager' as cut_type
),

survey_cuts as (
    select
        surveys.*,
        cut_types.cut_type,
        case cut_types.cut_type
            when 'all' then 'All'
            when 'outcome' then surveys.outcome
            when 'furthest_stage' then surveys.furthest_stage
            when 'department' then surveys.department
            else coalesce(surveys.hiring_manager_id, 'No hiring manager')
        end as cut_value
    from surveys
    cross join cut_types
),

events as (
    -- a sent survey counts in the period it was sent (response-rate cohort)
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'survey_cuts.sent_date') }} as period_start,
        survey_cuts.cut_type,
        survey_cuts.cut_value,
        1 as is_sent,
        case when survey_cuts.is_responded then 1 else 0 end as is_sent_and_responded,
        0 as is_response,
        cast(null as int) as score
    from survey_cuts
    {{ period_grains() }}

    union all

    -- a response counts in the period it was submitted (NPS event date)
    select
        grains.period_grain,
        {{ period_start('grains.period_grain', 'survey_cuts.response_date') }} as period_start,
        survey_cuts.cut_type,
        survey_cuts.cut_value,
        0 as is_sent,
        0 as is_sent_and_responded,
        1 as is_response,
        survey_cuts.score
    from survey_cuts
    {{ period_grains() }}
    where survey_cuts.is_responded
),

counted as (
    select
        period_grain,
        period_start,
        cut_type,
        cut_value,
        sum(is_sent) as surveys_sent_n,
        sum(is_sent_and_responded) as sent_responded_n,
        sum(is_response) as responses_n,
        sum(case when score >= 9 then 1 else 0 end) as promoters_n,
        sum(case when score between 7 and 8 then 1 else 0 end) as passives_n,
        sum(case when score <= 6 then 1 else 0 end) as detractors_n
    from events
    group by period_grain, period_start, cut_type, cut_value
),

suppressed as (
    {{ complementary_suppression('counted', ['period_grain', 'period_start', 'cut_type'], 'responses_n', 'cut_value') }}
)

select
    period_grain,
    period_start,
    cut_type,
    cut_value,
    cast(surveys_sent_n as bigint) as surveys_sent_n,
    cast(sent_responded_n as bigint) as sent_responded_n,
    cast(responses_n as bigint) as responses_n,
    cast(case when not is_suppressed then promoters_n end as bigint) as promoters_n,
    cast(case when not is_suppressed then passives_n end as bigint) as passives_n,
    cast(case when not is_suppressed then detractors_n end as bigint) as detractors_n,
    cast(
        case
            when not is_suppressed
                then 100.0 * (promoters_n - detractors_n) / nullif(responses_n, 0)
        end as double
    ) as nps,
    cast(sent_responded_n as double) / nullif(surveys_sent_n, 0) as response_rate,
    is_suppressed,
    is_complementary_suppressed
from suppressed
