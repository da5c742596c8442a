-- Openings open (neither filled nor closed) on the as-of date and their age,
-- per department and org-wide. Evergreen and template jobs' openings are
-- excluded.
with open_openings as (
    select
        {{ kpi_department('openings.department') }} as department,
        {{ kpi_source_system('openings.source_system') }} as source_system,
        openings.open_age_days
    from {{ ref('fct_openings') }} as openings
    {{ kpi_scopes() }}
    where openings.is_open and not openings.is_evergreen and not openings.is_template
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- the company-wide row exists even when nothing is open
org_wide as (
    select
        'All departments' as department,
        'All ATSs' as source_system
),

counted as (
    select
        department,
        source_system,
        count(*) as open_openings_n,
        percentile_cont(0.5) within group (order by open_age_days) as median_open_age_days,
        percentile_cont(0.75) within group (order by open_age_days) as p75_open_age_days
    from open_openings
    group by department, source_system
)

select
    coalesce(counted.department, org_wide.department) as department,
    coalesce(counted.source_system, org_wide.source_system) as source_system,
    coalesce(counted.open_openings_n, 0) as open_openings_n,
    counted.median_open_age_days,
    counted.p75_open_age_days,
    as_of.as_of_date
from counted
full outer join org_wide
    on counted.department = org_wide.department
        and counted.source_system = org_wide.source_system
cross join as_of
