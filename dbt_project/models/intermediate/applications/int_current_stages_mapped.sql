-- The ATS current stage of each application, mapped to its canonical stage
-- through the stage_mapping seed (lower(trim(name)) match), with the date it
-- was entered at the latest: the export does not date the current stage, so
-- it is taken as entered at the latest known event before it, the last stay's
-- exit (or entry, while open), else the applied date. Whether that date is on
-- or before the as-of date is decided in int_applications_resolved.
with applications as (
    select * from {{ ref('int_applications_unioned') }}
    where current_stage_name is not null
),

last_stay_events as (
    -- all stays, like the applied date: the entry does not move with the as-of date
    select
        application_id,
        max(greatest(entered_at, coalesce(exited_at, entered_at))) as last_stay_event_at
    from {{ ref('int_stage_stays_unioned') }}
    group by application_id
),

mapping as (
    select
        source_system,
        lower(trim(stage_name)) as stage_key,
        canonical_stage
    from {{ ref('stage_mapping') }}
),

canonical_stages as (
    select * from {{ ref('canonical_stages') }}
)

select
    applications.application_id,
    applications.current_stage_name,
    mapping.canonical_stage,
    canonical_stages.stage_order as canonical_stage_order,
    coalesce(last_stay_events.last_stay_event_at, applications.applied_at) as entered_at
from applications
left join last_stay_events on applications.application_id = last_stay_events.application_id
left join mapping
    on applications.source_system = mapping.source_system
        and lower(trim(applications.current_stage_name)) = mapping.stage_key
left join canonical_stages on mapping.canonical_stage = canonical_stages.canonical_stage
