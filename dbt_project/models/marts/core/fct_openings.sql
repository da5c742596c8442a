-- One row per opening opened on or before the as-of date. Filled openings
-- carry time_to_fill_days, open ones open_age_days (docs blocks
-- metric_time_to_fill and metric_open_opening_age, speed/_speed__docs.md).
-- An opening closed without a hire is neither.
-- Evergreen and template jobs' openings are listed here, flagged, and left
-- out of the KPIs.
with openings as (
    select * from {{ ref('int_openings_resolved') }}
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

resolved as (
    select
        openings.*,
        as_of.as_of_date,
        cast(openings.filled_at as date) <= as_of.as_of_date as is_filled,
        coalesce(
            cast(openings.closed_at as date) <= as_of.as_of_date,
            openings.opening_status = 'closed'
        ) as is_closed
    from openings
    cross join as_of
    where cast(openings.opened_at as date) <= as_of.as_of_date
)

select
    opening_id,
    job_id,
    source_system,
    job_name,
    department,
    hiring_manager_id,
    opened_at,
    case when is_filled then filled_at end as filled_at,
    case when is_filled then filled_by_application_id end as filled_by_application_id,
    case
        when is_filled
            then {{ days_between('opened_at', 'filled_at') }}
    end as time_to_fill_days,
    coalesce(not is_filled, true) and not is_closed as is_open,
    case
        when coalesce(not is_filled, true) and not is_closed
            then {{ days_between('opened_at', 'as_of_date') }}
    end as open_age_days,
    is_evergreen,
    is_template
from resolved
