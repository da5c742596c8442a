-- One row per hire with the three quality-of-hire components, their status
-- when null, and the weighted score (docs/metrics.md, "Quality of hire").
-- Only what happened on or before the as-of date counts: later reviews,
-- surveys and terminations have not happened yet.
{%- set w_performance = var('qoh_weight_performance') %}
{%- set w_retention = var('qoh_weight_retention') %}
{%- set w_manager = var('qoh_weight_manager') %}

with hires as (
    select * from {{ ref('fct_applications') }}
    where status = 'hired'
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

employees as (
    select
        employee_id,
        application_id,
        cast(start_date as date) as start_date,
        cast(termination_date as date) as termination_date,
        termination_type,
        row_number() over (
            partition by application_id order by start_date, employee_id
        ) as match_rank
    from {{ ref('stg_people__employees') }}
    where application_id is not null
),

matched as (
    select
        hires.application_id,
        hires.source_system,
        hires.job_id,
        hires.department,
        hires.hiring_manager_id,
        hires.recruiter_id,
        hires.hired_date,
        employees.employee_id,
        employees.start_date,
        case when employees.termination_date <= as_of.as_of_date then employees.termination_date end
            as termination_date,
        case when employees.termination_date <= as_of.as_of_date then employees.termination_type end
            as termination_type,
        as_of.as_of_date,
        {{ days_between('employees.start_date', 'as_of.as_of_date') }} as days_since_start
    from hires
    left join employees
        on hires.application_id = employees.application_id and employees.match_rank = 1
    cross join as_of
),

eligible_reviews as (
    select
        matched.application_id,
        cast(reviews.rating as double) as rating,
        cast(reviews.scale_min as double) as scale_min,
        cast(reviews.scale_max as double) as scale_max,
        row_number() over (
            partition by matched.application_id order by reviews.review_date
        ) as review_rank
    from matched
    inner join {{ ref('stg_people__performance_reviews') }} as reviews
        on matched.employee_id = reviews.employee_id
    where
        cast(reviews.review_date as date) <= matched.as_of_date
        and {{ days_between('matched.start_date', 'reviews.review_date') }} >= 90
        and {{ days_between('matched.start_date', 'reviews.review_date') }} <= 400
),

manager_surveys as (
    select
        matched.application_id,
        cast(surveys.rating as double) as rating
    from matched
    inner join {{ ref('stg_people__hiring_manager_surveys') }} as surveys
        on matched.employee_id = surveys.employee_id
    where surveys.submitted_at is null or cast(surveys.submitted_at as date) <= matched.as_of_date
),

components as (
    select
        matched.*,
        (eligible_reviews.rating - eligible_reviews.scale_min)
        / nullif(eligible_reviews.scale_max - eligible_reviews.scale_min, 0) * 100 as performance_score,
        case
            when eligible_reviews.application_id is not null then 'present'
            when matched.start_date is not null and matched.days_since_start < 400 then 'not yet due'
            else 'no review'
        end as performance_status,
        case
            when matched.start_date is null or matched.days_since_start < 365 then cast(null as double)
            when
                matched.termination_date is null
                or {{ days_between('matched.start_date', 'matched.termination_date') }} >= 365
                then 100.0
            else 0.0
        end as retention_score,
        case
            when matched.start_date is null then 'no employment record'
            when matched.days_since_start < 365 then 'censored'
            else 'present'
        end as retention_status,
        (manager_surveys.rating - 1) / 4 * 100 as manager_satisfaction_score,
        case when manager_surveys.application_id is not null then 'present' else 'no survey' end
            as manager_satisfaction_status,
        case
            when matched.start_date is null or matched.days_since_start < 90 then cast(null as boolean)
            else
                matched.termination_date is null
                or {{ days_between('matched.start_date', 'matched.termination_date') }} >= 90
        end as retained_90d
    from matched
    left join eligible_reviews
        on matched.application_id = eligible_reviews.application_id and eligible_reviews.review_rank = 1
    left join manager_surveys on matched.application_id = manager_surveys.application_id
),

counted as (
    select
        components.*,
        case when components.performance_score is not null then 1 else 0 end
        + case when components.retention_score is not null then 1 else 0 end
        + case when components.manager_satisfaction_score is not null then 1 else 0 end as components_n,
        case when components.performance_status = 'not yet due' then 1 else 0 end
        + case when components.retention_status = 'censored' then 1 else 0 end as components_pending_n,
        coalesce({{ w_performance }} * components.performance_score, 0)
        + coalesce({{ w_retention }} * components.retention_score, 0)
        + coalesce({{ w_manager }} * components.manager_satisfaction_score, 0) as weighted_sum,
        case when components.performance_score is not null then {{ w_performance }} else 0 end
        + case when components.retention_score is not null then {{ w_retention }} else 0 end
        + case when components.manager_satisfaction_score is not null then {{ w_manager }} else 0 end as weight_sum
    from components
)

select
    application_id,
    source_system,
    job_id,
    department,
    hiring_manager_id,
    recruiter_id,
    hired_date,
    employee_id,
    employee_id is not null as is_employee_matched,
    start_date,
    termination_date,
    termination_type,
    cast(performance_score as double) as performance_score,
    performance_status,
    cast(retention_score as double) as retention_score,
    retention_status,
    cast(manager_satisfaction_score as double) as manager_satisfaction_score,
    manager_satisfaction_status,
    cast(components_n as int) as components_n,
    cast(
        case when components_n >= 2 then weighted_sum / nullif(weight_sum, 0) end as double
    ) as quality_of_hire,
    case
        when components_n >= 2 then 'scored'
        when components_n + components_pending_n >= 2 then 'censored'
        else 'not enough components'
    end as quality_status,
    retained_90d,
    case when retention_score is null then cast(null as boolean) else retention_score = 100 end
        as retained_365d,
    cast({{ dbt.date_trunc('quarter', 'start_date') }} as date) as start_quarter
from counted
