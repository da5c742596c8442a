-- Row-level survey answers are cells of one person: they stay in the warehouse
-- (schema marts_restricted), outside the published snapshot, which copies the
-- schema `marts` only; kpi_candidate_nps publishes them under the minimum
-- group size.
{{ config(schema='marts_restricted') }}

-- One row per candidate survey sent on or before the as-of date, of an
-- application in fct_applications, with the application's outcome on the
-- as-of date and the response, if any (docs/metrics.md, "Candidate NPS").
-- A response submitted after the as-of date has not happened yet.
with surveys as (
    select * from {{ ref('stg_people__candidate_surveys') }}
),

applications as (
    select * from {{ ref('fct_applications') }}
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

joined as (
    select
        surveys.survey_id,
        surveys.application_id,
        applications.source_system,
        applications.status as outcome,
        applications.furthest_stage,
        applications.department,
        applications.hiring_manager_id,
        cast(surveys.sent_at as timestamp) as sent_at,
        case
            when cast(surveys.submitted_at as date) <= as_of.as_of_date
                then cast(surveys.submitted_at as timestamp)
        end as submitted_at,
        cast(surveys.score as int) as raw_score
    from surveys
    inner join applications on surveys.application_id = applications.application_id
    cross join as_of
    where cast(surveys.sent_at as date) <= as_of.as_of_date
),

responded as (
    select
        joined.*,
        coalesce(joined.submitted_at is not null and joined.raw_score between 0 and 10, false) as is_responded
    from joined
)

select
    survey_id,
    application_id,
    source_system,
    outcome,
    furthest_stage,
    department,
    hiring_manager_id,
    sent_at,
    cast(sent_at as date) as sent_date,
    submitted_at,
    is_responded,
    case when is_responded then raw_score end as score,
    case
        when not is_responded then cast(null as {{ dbt.type_string() }})
        when raw_score >= 9 then 'promoter'
        when raw_score >= 7 then 'passive'
        else 'detractor'
    end as nps_category,
    case when is_responded then cast(submitted_at as date) end as response_date
from responded
