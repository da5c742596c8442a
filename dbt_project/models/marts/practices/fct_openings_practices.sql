-- One row per filled opening (fill on or before the as-of date): whether a
-- hiring retrospective was held within 30 days after the fill, and whether
-- the hiring manager's previous fill had one. Rules (docs/metrics.md,
-- "Retrospective done") and every choice: _practices__models.yml.
with as_of as (
    select
        as_of_date,
        {{ end_of_day('as_of_date') }} as as_of_end_at
    from {{ ref('int_as_of_date') }}
),

fills as (
    select * from {{ ref('fct_openings') }}
    where filled_at is not null
),

retrospectives as (
    select retrospectives.job_id, retrospectives.opening_id, retrospectives.held_at
    from {{ ref('stg_people__retrospectives') }} as retrospectives
    cross join as_of
    where retrospectives.held_at < as_of.as_of_end_at
),

-- a retrospective names its opening; one naming only the job counts for each
-- of the job's fills
matched as (
    select
        fills.opening_id,
        min(retrospectives.held_at) as retrospective_held_at
    from fills
    inner join retrospectives
        on fills.job_id = retrospectives.job_id
            and (retrospectives.opening_id = fills.opening_id or retrospectives.opening_id is null)
    where {{ days_between('fills.filled_at', 'retrospectives.held_at') }} between 0 and {{ var('retrospective_window_days') }}
    group by fills.opening_id
),

decided as (
    select
        fills.opening_id,
        fills.job_id,
        fills.source_system,
        fills.department,
        fills.hiring_manager_id,
        fills.filled_at,
        fills.is_evergreen,
        fills.is_template,
        matched.retrospective_held_at,
        case
            when matched.retrospective_held_at is not null then true
            -- window still open on the as-of date: not yet decided
            when {{ days_between('fills.filled_at', 'as_of.as_of_date') }} < {{ var('retrospective_window_days') }} then null
            else false
        end as is_retrospective_done
    from fills
    cross join as_of
    left join matched on fills.opening_id = matched.opening_id
)

select
    opening_id,
    job_id,
    source_system,
    department,
    hiring_manager_id,
    filled_at,
    cast(filled_at as date) as filled_date,
    is_evergreen,
    is_template,
    retrospective_held_at,
    case
        when retrospective_held_at is not null
            then {{ days_between('filled_at', 'retrospective_held_at') }}
    end as days_to_retrospective,
    is_retrospective_done,
    is_retrospective_done is null as is_retrospective_pending,
    case when hiring_manager_id is not null then
        lag(is_retrospective_done) over (
            partition by hiring_manager_id
            order by filled_at, opening_id
        )
    end as retro_prev_fill,
    case when hiring_manager_id is not null then
        lag(opening_id) over (
            partition by hiring_manager_id
            order by filled_at, opening_id
        )
    end as prev_fill_opening_id
from decided
