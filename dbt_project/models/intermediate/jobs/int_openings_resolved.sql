-- Openings with their job's attributes, open date and fill on the as-of date.
-- * opened_at: the opening's opened_at, else the job's opened_at, else the
--   job's created_at.
-- * Filled by the first hire whose latest offer names the opening, at its
--   acceptance (the application's hired_at); an opening no offer names is
--   filled by the application the ATS records on it, if that one is hired;
--   else by the first hire whose application the ATS records on the opening.
with openings as (
    select * from {{ ref('int_openings_unioned') }}
),

jobs as (
    select * from {{ ref('int_jobs_enriched') }}
),

hires as (
    select * from {{ ref('int_applications_resolved') }}
    where status = 'hired'
),

accepted_offers as (
    select * from {{ ref('int_offers_latest_per_application') }}
    where is_latest and offer_outcome = 'accepted' and opening_id is not null
),

fill_candidates as (
    select
        accepted_offers.opening_id,
        hires.application_id,
        hires.hired_at,
        1 as evidence_rank
    from accepted_offers
    inner join hires on accepted_offers.application_id = hires.application_id
    union all
    select
        openings.opening_id,
        hires.application_id,
        hires.hired_at,
        2 as evidence_rank
    from openings
    inner join hires on openings.hired_application_id = hires.application_id
    union all
    select
        hires.hired_opening_id,
        hires.application_id,
        hires.hired_at,
        3 as evidence_rank
    from hires
    where hires.hired_opening_id is not null
),

first_fills as (
    select
        opening_id,
        application_id,
        hired_at,
        row_number() over (
            partition by opening_id
            order by evidence_rank, hired_at, application_id
        ) as fill_rank
    from fill_candidates
)

select
    openings.opening_id,
    openings.job_id,
    openings.source_system,
    openings.opening_code,
    openings.opening_status,
    openings.close_reason,
    jobs.job_name,
    jobs.department,
    jobs.hiring_manager_id,
    jobs.is_evergreen,
    jobs.is_template,
    coalesce(openings.opened_at, jobs.opened_at) as opened_at,
    openings.closed_at,
    first_fills.hired_at as filled_at,
    first_fills.application_id as filled_by_application_id
from openings
inner join jobs on openings.job_id = jobs.job_id
left join first_fills
    on openings.opening_id = first_fills.opening_id
        and first_fills.fill_rank = 1
