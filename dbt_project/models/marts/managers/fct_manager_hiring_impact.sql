-- One row per hiring manager and quarter: every component of "Manager hiring
-- impact" (docs/metrics.md) with its n, the organization's value for the
-- same quarter beside it, and a labelled percentile-rank index. Each component is
-- placed in the quarter of its own event date. Definition and every choice:
-- the docs block metric_manager_hiring_impact (_managers__docs.md).
--
-- Shape: each component's events in one long list (component, manager, event
-- date, value x, pending), summarized once per component, quarter and scope
-- (the manager, or the organization), ranked among the quarter's managers,
-- then pivoted to one wide row.
{%- set medians = ['time_to_hire', 'time_to_fill', 'talk_share'] %}
{%- set lower_is_better = ['time_to_hire', 'time_to_fill', 'talk_share'] %}
{%- set components = [
    'time_to_hire', 'time_to_fill', 'quality_of_hire', 'offer_acceptance', 'scorecard_on_time',
    'intake_on_time', 'licensed_at_open', 'talk_share', 'retrospective', 'nps'
] %}

with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- x: the event's value (days, score, share; 1 / 0 for a rate), null when not
-- known: a pending rate event, an unscored hire
events as (
    -- hires and time to hire, at the offer acceptance date
    select
        'time_to_hire' as component,
        hiring_manager_id,
        hired_date as event_date,
        cast(time_to_hire_days as double) as x,
        false as is_pending
    from {{ ref('fct_applications') }}
    where status = 'hired' and hired_date is not null

    union all

    -- time to fill at the fill date, evergreen and template jobs left out
    select
        'time_to_fill' as component,
        hiring_manager_id,
        cast(filled_at as date) as event_date,
        cast(time_to_fill_days as double) as x,
        false as is_pending
    from {{ ref('fct_openings') }}
    where time_to_fill_days is not null and not is_evergreen and not is_template

    union all

    -- quality of hire by start-date cohort; censored: the score can still come
    select
        'quality_of_hire' as component,
        hires.hiring_manager_id,
        hires.start_date as event_date,
        hires.quality_of_hire as x,
        hires.quality_status = 'censored' as is_pending
    from {{ ref('fct_hires') }} as hires
    cross join as_of
    where hires.start_date is not null and hires.start_date <= as_of.as_of_date

    union all

    -- the latest offer of each application, accepted (1) or declined (0), at
    -- the event date of kpi_offer_acceptance: resolved_at, an accepted offer
    -- without a timestamp at the hire date
    select
        'offer_acceptance' as component,
        applications.hiring_manager_id,
        case
            when offers.offer_outcome = 'accepted'
                then coalesce(cast(offers.resolved_at as date), applications.hired_date)
            else cast(offers.resolved_at as date)
        end as event_date,
        case when offers.offer_outcome = 'accepted' then 1.0 else 0.0 end as x,
        false as is_pending
    from {{ ref('int_offers_latest_per_application') }} as offers
    inner join {{ ref('fct_applications') }} as applications
        on offers.application_id = applications.application_id
    where offers.is_latest and offers.offer_outcome in ('accepted', 'declined')

    union all

    -- the manager's own scorecards: the interviewer is the job's hiring manager
    select
        'scorecard_on_time' as component,
        hiring_manager_id,
        interview_end_date as event_date,
        case when not is_pending then case when is_on_time then 1.0 else 0.0 end end as x,
        is_pending
    from {{ ref('fct_scorecards') }}
    where is_hiring_manager

    union all

    select
        'intake_on_time' as component,
        hiring_manager_id,
        opened_date as event_date,
        case when not is_intake_pending then case when is_intake_on_time then 1.0 else 0.0 end end as x,
        is_intake_pending as is_pending
    from {{ ref('fct_jobs_practices') }}
    where not coalesce(is_template, false)

    union all

    select
        'licensed_at_open' as component,
        hiring_manager_id,
        opened_date as event_date,
        case when licensed_at_open then 1.0 else 0.0 end as x,
        false as is_pending
    from {{ ref('fct_jobs_practices') }}
    where not coalesce(is_template, false)

    union all

    select
        'talk_share' as component,
        hiring_manager_id,
        cast(starts_at as date) as event_date,
        hiring_manager_talk_share as x,
        false as is_pending
    from {{ ref('fct_interviews') }}
    where has_talk_data and interview_status != 'cancelled' and hiring_manager_talk_share is not null

    union all

    select
        'retrospective' as component,
        hiring_manager_id,
        filled_date as event_date,
        case when not is_retrospective_pending then case when is_retrospective_done then 1.0 else 0.0 end end
            as x,
        is_retrospective_pending as is_pending
    from {{ ref('fct_openings_practices') }}
    where not coalesce(is_evergreen, false) and not coalesce(is_template, false)
),

-- every event counted twice: for its hiring manager (is_org_wide false) and
-- for the whole organization (is_org_wide true, hiring_manager_id null)
scoped as (
    select
        events.component,
        cast({{ dbt.date_trunc('quarter', 'events.event_date') }} as date) as quarter_start,
        scopes.is_org_wide,
        case when not scopes.is_org_wide then events.hiring_manager_id end as hiring_manager_id,
        events.x,
        events.is_pending
    from events
    {{ department_scopes() }}
    where events.event_date is not null
),

summarized as (
    select
        component,
        quarter_start,
        is_org_wide,
        hiring_manager_id,
        count(*) as events_n,
        count(x) as n,
        sum(x) as numerator,
        count(case when is_pending then 1 end) as pending_n,
        case
            when component in ('{{ medians | join("', '") }}')
                then percentile_cont(0.5) within group (order by x)
            else avg(x)
        end as component_value
    from scoped
    group by component, quarter_start, is_org_wide, hiring_manager_id
),

-- candidate NPS is a survey cut: the cells of a quarter are the hiring
-- managers, jobs without one in the cell 'No hiring manager', as in
-- kpi_candidate_nps (cut_type hiring_manager), so both suppress the same cells
responses as (
    select
        cast({{ dbt.date_trunc('quarter', 'response_date') }} as date) as quarter_start,
        coalesce(hiring_manager_id, 'No hiring manager') as cut_value,
        score
    from {{ ref('fct_candidate_survey_responses') }}
    where is_responded
),

nps_cells as (
    select
        quarter_start,
        cut_value,
        count(*) as responses_n,
        sum(case when score >= 9 then 1 else 0 end) - sum(case when score <= 6 then 1 else 0 end)
            as net_promoters_n
    from responses
    group by quarter_start, cut_value
),

nps_suppressed as (
    {{ complementary_suppression('nps_cells', ['quarter_start'], 'responses_n', 'cut_value') }}
),

nps_org as (
    select
        quarter_start,
        sum(responses_n) as responses_n,
        sum(net_promoters_n) as net_promoters_n
    from nps_cells
    group by quarter_start
),

components as (
    select
        component,
        quarter_start,
        is_org_wide,
        hiring_manager_id,
        events_n,
        n,
        numerator,
        pending_n,
        component_value,
        false as is_suppressed,
        false as is_complementary_suppressed
    from summarized

    union all

    select
        'nps' as component,
        quarter_start,
        false as is_org_wide,
        cut_value as hiring_manager_id,
        responses_n as events_n,
        responses_n as n,
        cast(null as double) as numerator,
        0 as pending_n,
        case when not is_suppressed then 100.0 * net_promoters_n / responses_n end as component_value,
        is_suppressed,
        is_complementary_suppressed
    from nps_suppressed
    where cut_value != 'No hiring manager'

    union all

    select
        'nps' as component,
        quarter_start,
        true as is_org_wide,
        cast(null as {{ dbt.type_string() }}) as hiring_manager_id,
        responses_n as events_n,
        responses_n as n,
        cast(null as double) as numerator,
        0 as pending_n,
        case
            when responses_n >= {{ var('min_group_size') }} then 100.0 * net_promoters_n / responses_n
        end as component_value,
        responses_n < {{ var('min_group_size') }} as is_suppressed,
        false as is_complementary_suppressed
    from nps_org
),

-- the rows: every hiring manager and quarter with an event in any component
-- (events of jobs without a hiring manager count for the organization only)
keys as (
    select distinct
        quarter_start,
        hiring_manager_id
    from components
    where not is_org_wide and hiring_manager_id is not null
),

-- direction: 1 when a higher value is better, -1 when a lower one is
-- (shorter times, a lower hiring manager talk share)
component_names as (
    {%- for component in components %}
        select
            '{{ component }}' as component,
            {{ -1 if component in lower_is_better else 1 }} as direction
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

-- each row's components, present or not, with the organization's beside them
grid as (
    select
        keys.hiring_manager_id,
        keys.quarter_start,
        component_names.component,
        managers.events_n,
        managers.n,
        managers.numerator,
        managers.pending_n,
        managers.component_value,
        managers.is_suppressed,
        managers.is_complementary_suppressed,
        org.events_n as org_events_n,
        org.n as org_n,
        org.numerator as org_numerator,
        org.component_value as org_value,
        org.is_suppressed as org_is_suppressed,
        component_names.direction * managers.component_value as value_higher_is_better
    from keys
    cross join component_names
    left join components as managers
        on keys.quarter_start = managers.quarter_start
            and keys.hiring_manager_id = managers.hiring_manager_id
            and component_names.component = managers.component
            and not managers.is_org_wide
    left join components as org
        on keys.quarter_start = org.quarter_start
            and component_names.component = org.component
            and org.is_org_wide
),

-- percentile rank among the managers of the quarter with a value (macro
-- percentile_rank_among), direction adjusted: shorter times and a lower
-- hiring manager talk share are better, every other component higher
ranked as (
    select
        grid.*,
        {{ percentile_rank_among('quarter_start, component', 'value_higher_is_better', 'higher') }}
            as percentile_rank
    from grid
),

pivoted as (
    select
        hiring_manager_id,
        quarter_start,
        {%- for component in components %}
            max(case when component = '{{ component }}' then events_n end) as {{ component }}__events_n,
            max(case when component = '{{ component }}' then n end) as {{ component }}__n,
            max(case when component = '{{ component }}' then numerator end) as {{ component }}__numerator,
            max(case when component = '{{ component }}' then pending_n end) as {{ component }}__pending_n,
            max(case when component = '{{ component }}' then component_value end) as {{ component }}__value,
            max(case when component = '{{ component }}' then org_events_n end) as {{ component }}__org_events_n,
            max(case when component = '{{ component }}' then org_n end) as {{ component }}__org_n,
            max(case when component = '{{ component }}' then org_numerator end) as {{ component }}__org_numerator,
            max(case when component = '{{ component }}' then org_value end) as {{ component }}__org_value,
            max(case when component = '{{ component }}' then percentile_rank end) as {{ component }}__percentile_rank,
        {%- endfor %}
        max(case when component = 'nps' then is_suppressed end) as nps__is_suppressed,
        max(case when component = 'nps' then is_complementary_suppressed end) as nps__is_complementary_suppressed,
        max(case when component = 'nps' then org_is_suppressed end) as nps__org_is_suppressed,
        count(percentile_rank) as composite_components_n,
        100.0 * avg(percentile_rank) as composite_percentile_index
    from ranked
    group by hiring_manager_id, quarter_start
)

select
    hiring_manager_id,
    quarter_start,
    cast(coalesce(time_to_hire__events_n, 0) as bigint) as hires_n,
    cast(coalesce(time_to_hire__org_events_n, 0) as bigint) as org_hires_n,
    cast(time_to_hire__value as double) as time_to_hire_median_days,
    cast(coalesce(time_to_hire__n, 0) as bigint) as time_to_hire_n,
    cast(time_to_hire__org_value as double) as org_time_to_hire_median_days,
    cast(coalesce(time_to_hire__org_n, 0) as bigint) as org_time_to_hire_n,
    cast(time_to_fill__value as double) as time_to_fill_median_days,
    cast(coalesce(time_to_fill__n, 0) as bigint) as time_to_fill_n,
    cast(time_to_fill__org_value as double) as org_time_to_fill_median_days,
    cast(coalesce(time_to_fill__org_n, 0) as bigint) as org_time_to_fill_n,
    cast(quality_of_hire__value as double) as quality_of_hire_mean,
    cast(coalesce(quality_of_hire__n, 0) as bigint) as quality_of_hire_n,
    cast(coalesce(quality_of_hire__events_n, 0) as bigint) as quality_of_hire_cohort_n,
    cast(coalesce(quality_of_hire__pending_n, 0) as bigint) as quality_of_hire_censored_n,
    cast(quality_of_hire__org_value as double) as org_quality_of_hire_mean,
    cast(coalesce(quality_of_hire__org_n, 0) as bigint) as org_quality_of_hire_n,
    cast(nps__value as double) as nps,
    cast(coalesce(nps__n, 0) as bigint) as nps_responses_n,
    coalesce(nps__is_suppressed, true) as nps_is_suppressed,
    coalesce(nps__is_complementary_suppressed, false) as nps_is_complementary_suppressed,
    cast(nps__org_value as double) as org_nps,
    cast(coalesce(nps__org_n, 0) as bigint) as org_nps_responses_n,
    coalesce(nps__org_is_suppressed, true) as org_nps_is_suppressed,
    cast(offer_acceptance__value as double) as offer_acceptance_rate,
    cast(coalesce(offer_acceptance__numerator, 0) as bigint) as offers_accepted_n,
    cast(coalesce(offer_acceptance__n, 0) as bigint) as offers_decided_n,
    cast(offer_acceptance__org_value as double) as org_offer_acceptance_rate,
    cast(coalesce(offer_acceptance__org_numerator, 0) as bigint) as org_offers_accepted_n,
    cast(coalesce(offer_acceptance__org_n, 0) as bigint) as org_offers_decided_n,
    cast(scorecard_on_time__value as double) as scorecard_on_time_rate,
    cast(coalesce(scorecard_on_time__numerator, 0) as bigint) as scorecards_on_time_n,
    cast(coalesce(scorecard_on_time__n, 0) as bigint) as scorecards_decided_n,
    cast(scorecard_on_time__org_value as double) as org_scorecard_on_time_rate,
    cast(coalesce(scorecard_on_time__org_numerator, 0) as bigint) as org_scorecards_on_time_n,
    cast(coalesce(scorecard_on_time__org_n, 0) as bigint) as org_scorecards_decided_n,
    cast(intake_on_time__value as double) as intake_on_time_rate,
    cast(coalesce(intake_on_time__numerator, 0) as bigint) as intakes_on_time_n,
    cast(coalesce(intake_on_time__n, 0) as bigint) as intakes_decided_n,
    cast(intake_on_time__org_value as double) as org_intake_on_time_rate,
    cast(coalesce(intake_on_time__org_numerator, 0) as bigint) as org_intakes_on_time_n,
    cast(coalesce(intake_on_time__org_n, 0) as bigint) as org_intakes_decided_n,
    cast(licensed_at_open__value as double) as licensed_at_open_rate,
    cast(coalesce(licensed_at_open__numerator, 0) as bigint) as jobs_licensed_at_open_n,
    cast(coalesce(licensed_at_open__n, 0) as bigint) as jobs_opened_n,
    cast(licensed_at_open__org_value as double) as org_licensed_at_open_rate,
    cast(coalesce(licensed_at_open__org_numerator, 0) as bigint) as org_jobs_licensed_at_open_n,
    cast(coalesce(licensed_at_open__org_n, 0) as bigint) as org_jobs_opened_n,
    cast(talk_share__value as double) as talk_share_median,
    cast(coalesce(talk_share__n, 0) as bigint) as talk_share_n,
    cast(talk_share__org_value as double) as org_talk_share_median,
    cast(coalesce(talk_share__org_n, 0) as bigint) as org_talk_share_n,
    cast(retrospective__value as double) as retrospective_rate,
    cast(coalesce(retrospective__numerator, 0) as bigint) as retrospectives_done_n,
    cast(coalesce(retrospective__n, 0) as bigint) as retrospectives_decided_n,
    cast(retrospective__org_value as double) as org_retrospective_rate,
    cast(coalesce(retrospective__org_numerator, 0) as bigint) as org_retrospectives_done_n,
    cast(coalesce(retrospective__org_n, 0) as bigint) as org_retrospectives_decided_n,
    cast(time_to_hire__percentile_rank as double) as time_to_hire_percentile_rank,
    cast(time_to_fill__percentile_rank as double) as time_to_fill_percentile_rank,
    cast(quality_of_hire__percentile_rank as double) as quality_of_hire_percentile_rank,
    cast(nps__percentile_rank as double) as nps_percentile_rank,
    cast(offer_acceptance__percentile_rank as double) as offer_acceptance_percentile_rank,
    cast(scorecard_on_time__percentile_rank as double) as scorecard_on_time_percentile_rank,
    cast(intake_on_time__percentile_rank as double) as intake_on_time_percentile_rank,
    cast(licensed_at_open__percentile_rank as double) as licensed_at_open_percentile_rank,
    cast(talk_share__percentile_rank as double) as talk_share_percentile_rank,
    cast(retrospective__percentile_rank as double) as retrospective_percentile_rank,
    cast(composite_components_n as int) as composite_components_n,
    cast(composite_percentile_index as double) as composite_percentile_index
from pivoted
