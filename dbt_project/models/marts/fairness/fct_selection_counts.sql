-- Selection counts by self-identified group, the input of the statistics step
-- (docs/statistics.md): one row per transition x dimension x group.
-- * Population: the funnel's (fct_applications with a job).
-- * A canonical stage's transition counts each application's outcome there
--   (int_application_stage_outcomes): passed, or rejected / withdrew with it
--   as the furthest stage; in progress counts in neither.
-- * `overall`: among ended applications, hired passed, rejected or withdrew
--   did not; active applications count in neither.
-- * Group: the answer as given (trimmed); `Not disclosed` for no record, a
--   record submitted after the as-of date, a null or empty answer, or an
--   answer listed in the seed demographic_non_responses. Never inferred.
-- * Every group seen in a dimension has a row at every transition (zeros
--   included), so a dimension's groups add up to the transition's total.
{# dimension -> canonical demographics column #}
{% set dimension_columns = [
    ('gender', 'gender'),
    ('race_ethnicity', 'race'),
    ('veteran', 'veteran_status'),
    ('disability', 'disability_status'),
] %}

with applications as (
    select
        application_id,
        status
    from {{ ref('fct_applications') }}
    where job_id is not null
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

transitions as (
    select canonical_stage as transition
    from {{ ref('canonical_stages') }}
    where canonical_stage != 'hired'
    union all
    select 'overall' as transition
),

decisions as (
    select
        outcomes.application_id,
        outcomes.canonical_stage as transition,
        outcomes.outcome
    from {{ ref('int_application_stage_outcomes') }} as outcomes
    inner join applications on outcomes.application_id = applications.application_id
    where outcomes.outcome in ('passed', 'rejected')
    union all
    select
        application_id,
        'overall' as transition,
        case when status = 'hired' then 'passed' else 'rejected' end as outcome
    from applications
    where status in ('hired', 'rejected', 'withdrew')
),

-- self-identification recorded on or before the as-of date
demographics as (
    select demographics.*
    from {{ ref('int_demographics_unioned') }} as demographics
    cross join as_of
    where demographics.submitted_at is null
        or cast(demographics.submitted_at as date) <= as_of.as_of_date
),

answers as (
    {%- for dimension, column in dimension_columns %}
        select
            applications.application_id,
            '{{ dimension }}' as dimension,
            trim(demographics.{{ column }}) as answer
        from applications
        left join demographics on applications.application_id = demographics.application_id
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

non_responses as (
    select distinct lower(trim(answer)) as answer
    from {{ ref('demographic_non_responses') }}
),

groups_per_application as (
    select
        answers.application_id,
        answers.dimension,
        case
            when answers.answer is null or answers.answer = '' or non_responses.answer is not null
                then 'Not disclosed'
            else answers.answer
        end as group_name
    from answers
    left join non_responses on lower(answers.answer) = non_responses.answer
),

with_intersection as (
    select * from groups_per_application
    union all
    select
        gender.application_id,
        'gender_x_race' as dimension,
        gender.group_name || ' × ' || race.group_name as group_name
    from groups_per_application as gender
    inner join groups_per_application as race
        on gender.application_id = race.application_id
            and race.dimension = 'race_ethnicity'
    where gender.dimension = 'gender'
),

dimension_groups as (
    select distinct
        dimension,
        group_name
    from with_intersection
),

-- every group seen in a dimension, at every transition
cells as (
    select
        transitions.transition,
        dimension_groups.dimension,
        dimension_groups.group_name
    from dimension_groups
    cross join transitions
),

counted as (
    select
        decisions.transition,
        with_intersection.dimension,
        with_intersection.group_name,
        count(case when decisions.outcome = 'passed' then 1 end) as passed_n,
        count(case when decisions.outcome = 'rejected' then 1 end) as rejected_n
    from decisions
    inner join with_intersection on decisions.application_id = with_intersection.application_id
    group by decisions.transition, with_intersection.dimension, with_intersection.group_name
)

select
    cast(cells.transition as string) as transition,
    cast(cells.dimension as string) as dimension,
    cast(cells.group_name as string) as group_name,
    cast(coalesce(counted.passed_n, 0) as bigint) as passed_n,
    cast(coalesce(counted.rejected_n, 0) as bigint) as rejected_n
from cells
left join counted
    on cells.transition = counted.transition
        and cells.dimension = counted.dimension
        and cells.group_name = counted.group_name
