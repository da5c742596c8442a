-- One row per filled opening: its job's practices at the job's open date and
-- its outcomes, the exact input of the statistics step's program effect
-- (docs/statistics.md; docs/metrics.md, "Program effect"). Every choice is in
-- _program__models.yml.
with openings as (
    select * from {{ ref('fct_openings') }}
    where time_to_fill_days is not null
        and not coalesce(is_evergreen, false)
        and not coalesce(is_template, false)
),

jobs_practices as (
    select
        job_id,
        licensed_at_open,
        is_intake_on_time
    from {{ ref('fct_jobs_practices') }}
),

openings_practices as (
    select
        opening_id,
        retro_prev_fill
    from {{ ref('fct_openings_practices') }}
),

applications as (
    select
        application_id,
        job_id,
        time_to_hire_days
    from {{ ref('fct_applications') }}
),

hires as (
    select
        application_id,
        quality_of_hire
    from {{ ref('fct_hires') }}
),

-- the hiring manager's talk share over the job's interviews (non-cancelled,
-- with talk data and the manager taking part, as kpi_talk_share counts them)
talk as (
    select
        job_id,
        percentile_cont(0.5) within group (order by hiring_manager_talk_share)
            as median_hiring_manager_talk_share
    from {{ ref('fct_interviews') }}
    where has_talk_data
        and interview_status != 'cancelled'
        and hiring_manager_talk_share is not null
        and job_id is not null
    group by job_id
),

-- the latest offer of each application, resolved by the as-of date, as the
-- offer acceptance rate counts it, by the application's job
offers as (
    select
        applications.job_id,
        count(case when latest_offers.offer_outcome = 'accepted' then 1 end) as offer_accepted_n,
        count(case when latest_offers.offer_outcome = 'declined' then 1 end) as offer_declined_n
    from {{ ref('int_offers_latest_per_application') }} as latest_offers
    inner join applications on latest_offers.application_id = applications.application_id
    where latest_offers.is_latest
    group by applications.job_id
),

surveys as (
    select
        applications.job_id,
        count(case when responses.score >= 9 then 1 end) as nps_promoters_n,
        count(case when responses.score <= 6 then 1 end) as nps_detractors_n,
        count(*) as nps_responses_n
    from {{ ref('fct_candidate_survey_responses') }} as responses
    inner join applications on responses.application_id = applications.application_id
    where responses.is_responded
    group by applications.job_id
)

select
    openings.opening_id,
    openings.department,
    openings.hiring_manager_id,
    jobs_practices.licensed_at_open and jobs_practices.is_intake_on_time as practiced,
    jobs_practices.licensed_at_open,
    jobs_practices.is_intake_on_time as intake_on_time,
    openings_practices.retro_prev_fill,
    talk.median_hiring_manager_talk_share <= {{ var('talk_share_flag') }} as talk_share_ok,
    cast(openings.time_to_fill_days as int) as time_to_fill_days,
    cast(applications.time_to_hire_days as int) as time_to_hire_days,
    cast(hires.quality_of_hire as double) as quality_of_hire,
    cast(coalesce(offers.offer_accepted_n, 0) as bigint) as offer_accepted_n,
    cast(coalesce(offers.offer_declined_n, 0) as bigint) as offer_declined_n,
    cast(coalesce(surveys.nps_promoters_n, 0) as bigint) as nps_promoters_n,
    cast(coalesce(surveys.nps_detractors_n, 0) as bigint) as nps_detractors_n,
    cast(coalesce(surveys.nps_responses_n, 0) as bigint) as nps_responses_n
from openings
left join jobs_practices on openings.job_id = jobs_practices.job_id
left join openings_practices on openings.opening_id = openings_practices.opening_id
left join applications on openings.filled_by_application_id = applications.application_id
left join hires on openings.filled_by_application_id = hires.application_id
left join talk on openings.job_id = talk.job_id
left join offers on openings.job_id = offers.job_id
left join surveys on openings.job_id = surveys.job_id
