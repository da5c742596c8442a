-- One row per application and canonical stage it reached (every stage up to
-- its furthest, except `hired`, which has no later stage), with the date it
-- entered the stage and its outcome there, for pass-through rates.
-- * Entered: the first stay mapped to the stage; a skipped stage is entered
--   when the next later stage is entered; the first stage without a stay at
--   the applied date, `hired` at the hire; a stage reached only as the ATS
--   current stage at its assumed entry (int_applications_resolved).
-- * Outcome: every stage before the furthest one is passed (a hire's furthest
--   stage is `hired`); at the furthest stage a rejected or withdrawn
--   application is rejected, an active one in progress.
with applications as (
    select * from {{ ref('int_applications_resolved') }}
),

canonical_stages as (
    select * from {{ ref('canonical_stages') }}
),

first_stage as (
    select min(stage_order) as first_stage_order from canonical_stages
),

stage_entries as (
    select
        application_id,
        canonical_stage_order,
        entered_at
    from {{ ref('int_stage_stays_mapped') }}
    union all
    select
        application_id,
        current_stage_order,
        current_stage_entered_at
    from applications
    where current_stage_order is not null
),

stay_entries as (
    select
        application_id,
        canonical_stage_order,
        min(entered_at) as entered_at
    from stage_entries
    group by application_id, canonical_stage_order
),

reached as (
    select
        applications.application_id,
        applications.status,
        applications.furthest_stage_order,
        canonical_stages.canonical_stage,
        canonical_stages.stage_order,
        coalesce(
            stay_entries.entered_at,
            case
                when canonical_stages.stage_order = first_stage.first_stage_order then applications.applied_at
                when canonical_stages.canonical_stage = 'hired' then applications.hired_at
            end
        ) as own_entered_at
    from applications
    cross join first_stage
    inner join canonical_stages on applications.furthest_stage_order >= canonical_stages.stage_order
    left join stay_entries
        on applications.application_id = stay_entries.application_id
            and canonical_stages.stage_order = stay_entries.canonical_stage_order
),

with_entry_stage as (
    select
        reached.*,
        -- the stage itself if entered, else the next later stage entered
        min(case when reached.own_entered_at is not null then reached.stage_order end) over (
            partition by reached.application_id
            order by reached.stage_order
            rows between current row and unbounded following
        ) as entry_stage_order
    from reached
)

select
    with_entry_stage.application_id,
    with_entry_stage.canonical_stage,
    with_entry_stage.stage_order as canonical_stage_order,
    entry_stage.own_entered_at as entered_at,
    cast(entry_stage.own_entered_at as date) as entered_date,
    case
        when with_entry_stage.stage_order < with_entry_stage.furthest_stage_order then 'passed'
        when with_entry_stage.status in ('rejected', 'withdrew') then 'rejected'
        when with_entry_stage.status = 'active' then 'in_progress'
    end as outcome
from with_entry_stage
inner join reached as entry_stage
    on with_entry_stage.application_id = entry_stage.application_id
        and with_entry_stage.entry_stage_order = entry_stage.stage_order
where with_entry_stage.canonical_stage != 'hired'
