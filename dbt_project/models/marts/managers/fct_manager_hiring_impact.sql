-- One row per hiring manager and quarter: every component of "Manager hiring
-- impact" (docs/metrics.md) with its n, the organization's value for the same
-- quarter beside it, and a labelled percentile-rank index. Each component is
-- placed in the quarter of its own event date. Definition and every choice:
-- the docs block metric_manager_hiring_impact (_managers__docs.md).
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- events of each component: the job's hiring manager and the event's quarter
hire_events as (
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'hired_date') }} as date) as quarter_start,
        time_to_hire_days
    from {{ ref('fct_applications') }}
    where status = 'hired' and hired_date is not null
),

fill_events as (
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'cast(filled_at as date)') }} as date) as quarter_start,
        time_to_fill_days
    from {{ ref('fct_openings') }}
    where time_to_fill_days is not null and not is_evergreen and not is_template
),

cohort_events as (
    select
        hires.hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'hires.start_date') }} as date) as quarter_start,
        hires.quality_of_hire,
        hires.quality_status
    from {{ ref('fct_hires') }} as hires
    cross join as_of
    where hires.start_date is not null and hires.start_date <= as_of.as_of_date
),

offer_events as (
    -- the latest offer of each application, decided (accepted or declined),
    -- at the event date of kpi_offer_acceptance: resolved_at, an accepted
    -- offer without a timestamp at the hire date
    select
        offers.hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'offers.event_date') }} as date) as quarter_start,
        offers.offer_outcome
    from (
        select
            latest_offers.offer_outcome,
            applications.hiring_manager_id,
            case
                when latest_offers.offer_outcome = 'accepted'
                    then coalesce(cast(latest_offers.resolved_at as date), applications.hired_date)
                else cast(latest_offers.resolved_at as date)
            end as event_date
        from {{ ref('int_offers_latest_per_application') }} as latest_offers
        inner join {{ ref('fct_applications') }} as applications
            on latest_offers.application_id = applications.application_id
        where latest_offers.is_latest and latest_offers.offer_outcome in ('accepted', 'declined')
    ) as offers
    where offers.event_date is not null
),

scorecard_events as (
    -- the manager's own scorecards: the interviewer is the job's hiring manager
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'interview_end_date') }} as date) as quarter_start,
        is_on_time,
        is_pending
    from {{ ref('fct_scorecards') }}
    where is_hiring_manager
),

job_events as (
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'opened_date') }} as date) as quarter_start,
        licensed_at_open,
        is_intake_on_time,
        is_intake_pending
    from {{ ref('fct_jobs_practices') }}
    where not coalesce(is_template, false)
),

talk_events as (
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'cast(starts_at as date)') }} as date) as quarter_start,
        hiring_manager_talk_share
    from {{ ref('fct_interviews') }}
    where has_talk_data and interview_status != 'cancelled' and hiring_manager_talk_share is not null
),

retrospective_events as (
    select
        hiring_manager_id,
        cast({{ dbt.date_trunc('quarter', 'filled_date') }} as date) as quarter_start,
        is_retrospective_done,
        is_retrospective_pending
    from {{ ref('fct_openings_practices') }}
    where not coalesce(is_evergreen, false) and not coalesce(is_template, false)
),

-- every component counted twice: per hiring manager (is_org_wide false) and
-- for the whole organization (is_org_wide true, hiring_manager_id null)
hires as (
    select
        hire_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then hire_events.hiring_manager_id end as hiring_manager_id,
        count(*) as hires_n,
        count(hire_events.time_to_hire_days) as time_to_hire_n,
        percentile_cont(0.5) within group (order by hire_events.time_to_hire_days) as time_to_hire_median_days
    from hire_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

fills as (
    select
        fill_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then fill_events.hiring_manager_id end as hiring_manager_id,
        count(*) as time_to_fill_n,
        percentile_cont(0.5) within group (order by fill_events.time_to_fill_days) as time_to_fill_median_days
    from fill_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

cohorts as (
    select
        cohort_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then cohort_events.hiring_manager_id end as hiring_manager_id,
        count(*) as cohort_hires_n,
        count(cohort_events.quality_of_hire) as quality_of_hire_n,
        avg(cohort_events.quality_of_hire) as quality_of_hire_mean,
        count(case when cohort_events.quality_status = 'censored' then 1 end) as quality_of_hire_censored_n
    from cohort_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

offers as (
    select
        offer_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then offer_events.hiring_manager_id end as hiring_manager_id,
        count(case when offer_events.offer_outcome = 'accepted' then 1 end) as offers_accepted_n,
        count(*) as offers_decided_n
    from offer_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

scorecards as (
    select
        scorecard_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then scorecard_events.hiring_manager_id end as hiring_manager_id,
        count(*) as scorecards_expected_n,
        count(case when scorecard_events.is_on_time then 1 end) as scorecards_on_time_n,
        count(case when not scorecard_events.is_pending then 1 end) as scorecards_decided_n
    from scorecard_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

jobs as (
    select
        job_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then job_events.hiring_manager_id end as hiring_manager_id,
        count(*) as jobs_opened_n,
        count(case when job_events.licensed_at_open then 1 end) as jobs_licensed_at_open_n,
        count(case when job_events.is_intake_on_time then 1 end) as intakes_on_time_n,
        count(case when not job_events.is_intake_pending then 1 end) as intakes_decided_n
    from job_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

talk as (
    select
        talk_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then talk_events.hiring_manager_id end as hiring_manager_id,
        count(*) as talk_share_n,
        percentile_cont(0.5) within group (order by talk_events.hiring_manager_talk_share) as talk_share_median
    from talk_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

retrospectives as (
    select
        retrospective_events.quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then retrospective_events.hiring_manager_id end as hiring_manager_id,
        count(case when retrospective_events.is_retrospective_done then 1 end) as retrospectives_done_n,
        count(case when not retrospective_events.is_retrospective_pending then 1 end) as retrospectives_decided_n
    from retrospective_events
    {{ department_scopes() }}
    group by 1, 2, 3
),

-- candidate NPS is a survey cut: the cells of a quarter are the hiring
-- managers, jobs without one in the cell 'No hiring manager', as in
-- kpi_candidate_nps (cut_type hiring_manager), so both suppress the same cells
nps_cells as (
    select
        cast({{ dbt.date_trunc('quarter', 'response_date') }} as date) as quarter_start,
        coalesce(hiring_manager_id, 'No hiring manager') as cut_value,
        count(*) as responses_n,
        sum(case when score >= 9 then 1 else 0 end) as promoters_n,
        sum(case when score <= 6 then 1 else 0 end) as detractors_n
    from {{ ref('fct_candidate_survey_responses') }}
    where is_responded
    group by 1, 2
),

nps_suppressed as (
    {{ complementary_suppression('nps_cells', ['quarter_start'], 'responses_n', 'cut_value') }}
),

nps_org as (
    select
        quarter_start,
        sum(responses_n) as responses_n,
        sum(promoters_n) as promoters_n,
        sum(detractors_n) as detractors_n
    from nps_cells
    group by quarter_start
),

-- the rows: every hiring manager and quarter with an event in any component
-- (events of jobs without a hiring manager count for the organization only)
keys as (
    select quarter_start, hiring_manager_id from hires where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from fills where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from cohorts where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from offers where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from scorecards where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from jobs where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from talk where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, hiring_manager_id from retrospectives where not is_org_wide and hiring_manager_id is not null
    union
    select quarter_start, cut_value as hiring_manager_id from nps_cells where cut_value != 'No hiring manager'
),

joined as (
    select
        keys.hiring_manager_id,
        keys.quarter_start,
        coalesce(hires.hires_n, 0) as hires_n,
        coalesce(org_hires.hires_n, 0) as org_hires_n,
        hires.time_to_hire_median_days,
        coalesce(hires.time_to_hire_n, 0) as time_to_hire_n,
        org_hires.time_to_hire_median_days as org_time_to_hire_median_days,
        coalesce(org_hires.time_to_hire_n, 0) as org_time_to_hire_n,
        fills.time_to_fill_median_days,
        coalesce(fills.time_to_fill_n, 0) as time_to_fill_n,
        org_fills.time_to_fill_median_days as org_time_to_fill_median_days,
        coalesce(org_fills.time_to_fill_n, 0) as org_time_to_fill_n,
        cohorts.quality_of_hire_mean,
        coalesce(cohorts.quality_of_hire_n, 0) as quality_of_hire_n,
        coalesce(cohorts.cohort_hires_n, 0) as quality_of_hire_cohort_n,
        coalesce(cohorts.quality_of_hire_censored_n, 0) as quality_of_hire_censored_n,
        org_cohorts.quality_of_hire_mean as org_quality_of_hire_mean,
        coalesce(org_cohorts.quality_of_hire_n, 0) as org_quality_of_hire_n,
        case
            when not nps_suppressed.is_suppressed
                then 100.0 * (nps_suppressed.promoters_n - nps_suppressed.detractors_n) / nps_suppressed.responses_n
        end as nps,
        coalesce(nps_suppressed.responses_n, 0) as nps_responses_n,
        coalesce(nps_suppressed.is_suppressed, true) as nps_is_suppressed,
        coalesce(nps_suppressed.is_complementary_suppressed, false) as nps_is_complementary_suppressed,
        case
            when nps_org.responses_n >= {{ var('min_group_size') }}
                then 100.0 * (nps_org.promoters_n - nps_org.detractors_n) / nps_org.responses_n
        end as org_nps,
        coalesce(nps_org.responses_n, 0) as org_nps_responses_n,
        coalesce(nps_org.responses_n < {{ var('min_group_size') }}, true) as org_nps_is_suppressed,
        coalesce(offers.offers_accepted_n, 0) as offers_accepted_n,
        coalesce(offers.offers_decided_n, 0) as offers_decided_n,
        coalesce(org_offers.offers_accepted_n, 0) as org_offers_accepted_n,
        coalesce(org_offers.offers_decided_n, 0) as org_offers_decided_n,
        coalesce(scorecards.scorecards_on_time_n, 0) as scorecards_on_time_n,
        coalesce(scorecards.scorecards_decided_n, 0) as scorecards_decided_n,
        coalesce(org_scorecards.scorecards_on_time_n, 0) as org_scorecards_on_time_n,
        coalesce(org_scorecards.scorecards_decided_n, 0) as org_scorecards_decided_n,
        coalesce(jobs.intakes_on_time_n, 0) as intakes_on_time_n,
        coalesce(jobs.intakes_decided_n, 0) as intakes_decided_n,
        coalesce(org_jobs.intakes_on_time_n, 0) as org_intakes_on_time_n,
        coalesce(org_jobs.intakes_decided_n, 0) as org_intakes_decided_n,
        coalesce(jobs.jobs_licensed_at_open_n, 0) as jobs_licensed_at_open_n,
        coalesce(jobs.jobs_opened_n, 0) as jobs_opened_n,
        coalesce(org_jobs.jobs_licensed_at_open_n, 0) as org_jobs_licensed_at_open_n,
        coalesce(org_jobs.jobs_opened_n, 0) as org_jobs_opened_n,
        talk.talk_share_median,
        coalesce(talk.talk_share_n, 0) as talk_share_n,
        org_talk.talk_share_median as org_talk_share_median,
        coalesce(org_talk.talk_share_n, 0) as org_talk_share_n,
        coalesce(retrospectives.retrospectives_done_n, 0) as retrospectives_done_n,
        coalesce(retrospectives.retrospectives_decided_n, 0) as retrospectives_decided_n,
        coalesce(org_retrospectives.retrospectives_done_n, 0) as org_retrospectives_done_n,
        coalesce(org_retrospectives.retrospectives_decided_n, 0) as org_retrospectives_decided_n
    from keys
    left join hires
        on keys.quarter_start = hires.quarter_start and keys.hiring_manager_id = hires.hiring_manager_id
            and not hires.is_org_wide
    left join hires as org_hires on keys.quarter_start = org_hires.quarter_start and org_hires.is_org_wide
    left join fills
        on keys.quarter_start = fills.quarter_start and keys.hiring_manager_id = fills.hiring_manager_id
            and not fills.is_org_wide
    left join fills as org_fills on keys.quarter_start = org_fills.quarter_start and org_fills.is_org_wide
    left join cohorts
        on keys.quarter_start = cohorts.quarter_start and keys.hiring_manager_id = cohorts.hiring_manager_id
            and not cohorts.is_org_wide
    left join cohorts as org_cohorts
        on keys.quarter_start = org_cohorts.quarter_start and org_cohorts.is_org_wide
    left join nps_suppressed
        on keys.quarter_start = nps_suppressed.quarter_start and keys.hiring_manager_id = nps_suppressed.cut_value
    left join nps_org on keys.quarter_start = nps_org.quarter_start
    left join offers
        on keys.quarter_start = offers.quarter_start and keys.hiring_manager_id = offers.hiring_manager_id
            and not offers.is_org_wide
    left join offers as org_offers on keys.quarter_start = org_offers.quarter_start and org_offers.is_org_wide
    left join scorecards
        on keys.quarter_start = scorecards.quarter_start and keys.hiring_manager_id = scorecards.hiring_manager_id
            and not scorecards.is_org_wide
    left join scorecards as org_scorecards
        on keys.quarter_start = org_scorecards.quarter_start and org_scorecards.is_org_wide
    left join jobs
        on keys.quarter_start = jobs.quarter_start and keys.hiring_manager_id = jobs.hiring_manager_id
            and not jobs.is_org_wide
    left join jobs as org_jobs on keys.quarter_start = org_jobs.quarter_start and org_jobs.is_org_wide
    left join talk
        on keys.quarter_start = talk.quarter_start and keys.hiring_manager_id = talk.hiring_manager_id
            and not talk.is_org_wide
    left join talk as org_talk on keys.quarter_start = org_talk.quarter_start and org_talk.is_org_wide
    left join retrospectives
        on keys.quarter_start = retrospectives.quarter_start
            and keys.hiring_manager_id = retrospectives.hiring_manager_id
            and not retrospectives.is_org_wide
    left join retrospectives as org_retrospectives
        on keys.quarter_start = org_retrospectives.quarter_start and org_retrospectives.is_org_wide
),

rated as (
    select
        joined.*,
        cast(offers_accepted_n as double) / nullif(offers_decided_n, 0) as offer_acceptance_rate,
        cast(org_offers_accepted_n as double) / nullif(org_offers_decided_n, 0) as org_offer_acceptance_rate,
        cast(scorecards_on_time_n as double) / nullif(scorecards_decided_n, 0) as scorecard_on_time_rate,
        cast(org_scorecards_on_time_n as double) / nullif(org_scorecards_decided_n, 0)
            as org_scorecard_on_time_rate,
        cast(intakes_on_time_n as double) / nullif(intakes_decided_n, 0) as intake_on_time_rate,
        cast(org_intakes_on_time_n as double) / nullif(org_intakes_decided_n, 0) as org_intake_on_time_rate,
        cast(jobs_licensed_at_open_n as double) / nullif(jobs_opened_n, 0) as licensed_at_open_rate,
        cast(org_jobs_licensed_at_open_n as double) / nullif(org_jobs_opened_n, 0) as org_licensed_at_open_rate,
        cast(retrospectives_done_n as double) / nullif(retrospectives_decided_n, 0) as retrospective_rate,
        cast(org_retrospectives_done_n as double) / nullif(org_retrospectives_decided_n, 0)
            as org_retrospective_rate
    from joined
),

-- percentile rank among the managers of the quarter with a value (macro
-- percentile_rank_among), direction adjusted: shorter times and a lower
-- hiring manager talk share are better, every other component higher
ranked as (
    select
        rated.*,
        {{ percentile_rank_among('quarter_start', 'time_to_hire_median_days', 'lower') }} as time_to_hire_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'time_to_fill_median_days', 'lower') }} as time_to_fill_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'quality_of_hire_mean', 'higher') }} as quality_of_hire_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'nps', 'higher') }} as nps_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'offer_acceptance_rate', 'higher') }} as offer_acceptance_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'scorecard_on_time_rate', 'higher') }} as scorecard_on_time_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'intake_on_time_rate', 'higher') }} as intake_on_time_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'licensed_at_open_rate', 'higher') }} as licensed_at_open_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'talk_share_median', 'lower') }} as talk_share_percentile_rank,
        {{ percentile_rank_among('quarter_start', 'retrospective_rate', 'higher') }} as retrospective_percentile_rank
    from rated
),

{%- set rank_columns = [
    'time_to_hire_percentile_rank', 'time_to_fill_percentile_rank', 'quality_of_hire_percentile_rank',
    'nps_percentile_rank', 'offer_acceptance_percentile_rank', 'scorecard_on_time_percentile_rank',
    'intake_on_time_percentile_rank', 'licensed_at_open_percentile_rank', 'talk_share_percentile_rank',
    'retrospective_percentile_rank'
] %}

composite as (
    select
        ranked.*,
        {% for column in rank_columns -%}
        case when {{ column }} is not null then 1 else 0 end{{ ' +' if not loop.last }}
        {% endfor -%} as composite_components_n,
        {% for column in rank_columns -%}
        coalesce({{ column }}, 0){{ ' +' if not loop.last }}
        {% endfor -%} as rank_sum
    from ranked
)

select
    hiring_manager_id,
    quarter_start,
    cast(hires_n as bigint) as hires_n,
    cast(org_hires_n as bigint) as org_hires_n,
    cast(time_to_hire_median_days as double) as time_to_hire_median_days,
    cast(time_to_hire_n as bigint) as time_to_hire_n,
    cast(org_time_to_hire_median_days as double) as org_time_to_hire_median_days,
    cast(org_time_to_hire_n as bigint) as org_time_to_hire_n,
    cast(time_to_fill_median_days as double) as time_to_fill_median_days,
    cast(time_to_fill_n as bigint) as time_to_fill_n,
    cast(org_time_to_fill_median_days as double) as org_time_to_fill_median_days,
    cast(org_time_to_fill_n as bigint) as org_time_to_fill_n,
    cast(quality_of_hire_mean as double) as quality_of_hire_mean,
    cast(quality_of_hire_n as bigint) as quality_of_hire_n,
    cast(quality_of_hire_cohort_n as bigint) as quality_of_hire_cohort_n,
    cast(quality_of_hire_censored_n as bigint) as quality_of_hire_censored_n,
    cast(org_quality_of_hire_mean as double) as org_quality_of_hire_mean,
    cast(org_quality_of_hire_n as bigint) as org_quality_of_hire_n,
    cast(nps as double) as nps,
    cast(nps_responses_n as bigint) as nps_responses_n,
    nps_is_suppressed,
    nps_is_complementary_suppressed,
    cast(org_nps as double) as org_nps,
    cast(org_nps_responses_n as bigint) as org_nps_responses_n,
    org_nps_is_suppressed,
    cast(offer_acceptance_rate as double) as offer_acceptance_rate,
    cast(offers_accepted_n as bigint) as offers_accepted_n,
    cast(offers_decided_n as bigint) as offers_decided_n,
    cast(org_offer_acceptance_rate as double) as org_offer_acceptance_rate,
    cast(org_offers_accepted_n as bigint) as org_offers_accepted_n,
    cast(org_offers_decided_n as bigint) as org_offers_decided_n,
    cast(scorecard_on_time_rate as double) as scorecard_on_time_rate,
    cast(scorecards_on_time_n as bigint) as scorecards_on_time_n,
    cast(scorecards_decided_n as bigint) as scorecards_decided_n,
    cast(org_scorecard_on_time_rate as double) as org_scorecard_on_time_rate,
    cast(org_scorecards_on_time_n as bigint) as org_scorecards_on_time_n,
    cast(org_scorecards_decided_n as bigint) as org_scorecards_decided_n,
    cast(intake_on_time_rate as double) as intake_on_time_rate,
    cast(intakes_on_time_n as bigint) as intakes_on_time_n,
    cast(intakes_decided_n as bigint) as intakes_decided_n,
    cast(org_intake_on_time_rate as double) as org_intake_on_time_rate,
    cast(org_intakes_on_time_n as bigint) as org_intakes_on_time_n,
    cast(org_intakes_decided_n as bigint) as org_intakes_decided_n,
    cast(licensed_at_open_rate as double) as licensed_at_open_rate,
    cast(jobs_licensed_at_open_n as bigint) as jobs_licensed_at_open_n,
    cast(jobs_opened_n as bigint) as jobs_opened_n,
    cast(org_licensed_at_open_rate as double) as org_licensed_at_open_rate,
    cast(org_jobs_licensed_at_open_n as bigint) as org_jobs_licensed_at_open_n,
    cast(org_jobs_opened_n as bigint) as org_jobs_opened_n,
    cast(talk_share_median as double) as talk_share_median,
    cast(talk_share_n as bigint) as talk_share_n,
    cast(org_talk_share_median as double) as org_talk_share_median,
    cast(org_talk_share_n as bigint) as org_talk_share_n,
    cast(retrospective_rate as double) as retrospective_rate,
    cast(retrospectives_done_n as bigint) as retrospectives_done_n,
    cast(retrospectives_decided_n as bigint) as retrospectives_decided_n,
    cast(org_retrospective_rate as double) as org_retrospective_rate,
    cast(org_retrospectives_done_n as bigint) as org_retrospectives_done_n,
    cast(org_retrospectives_decided_n as bigint) as org_retrospectives_decided_n,
    {% for column in rank_columns -%}
    cast({{ column }} as double) as {{ column }},
    {% endfor -%}
    cast(composite_components_n as int) as composite_components_n,
    cast(100.0 * rank_sum / nullif(composite_components_n, 0) as double) as composite_percentile_index
from composite
