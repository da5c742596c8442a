-- One row per stage stay of an application in fct_applications, entered on or
-- before the as-of date. A stay the ATS leaves open after the application
-- ended (hired or rejected in its last stage) ends when the application ended.
-- Completed stays carry days_in_stage, stays still open on the as-of date
-- open_age_days (docs block metric_time_in_stage, _core__docs.md).
with stays as (
    select * from {{ ref('int_stage_stays_mapped') }}
),

applications as (
    select * from {{ ref('fct_applications') }}
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

resolved as (
    select
        stays.*,
        applications.job_id,
        applications.department,
        coalesce(stays.exited_at, applications.ended_at) as resolved_exited_at
    from stays
    inner join applications on stays.application_id = applications.application_id
)

select
    resolved.stage_stay_id,
    resolved.application_id,
    resolved.job_id,
    resolved.department,
    resolved.stage_name,
    resolved.canonical_stage,
    resolved.canonical_stage_order,
    resolved.entered_at,
    resolved.resolved_exited_at as exited_at,
    {{ days_between('resolved.entered_at', 'resolved.resolved_exited_at') }} as days_in_stage,
    resolved.resolved_exited_at is null as is_open,
    case
        when resolved.resolved_exited_at is null
            then {{ days_between('resolved.entered_at', 'as_of.as_of_date') }}
    end as open_age_days
from resolved
cross join as_of
