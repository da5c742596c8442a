-- Stage stays entered on or before the as-of date, mapped to canonical stages
-- through the stage_mapping seed (lower(trim(name)) match). An exit after the
-- as-of date has not happened yet: the stay is open.
with stays as (
    select * from {{ ref('int_stage_stays_unioned') }}
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
),

as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
)

select
    stays.stage_stay_id,
    stays.application_id,
    stays.source_system,
    stays.stage_id,
    stays.stage_name,
    mapping.canonical_stage,
    canonical_stages.stage_order as canonical_stage_order,
    stays.entered_at,
    case when cast(stays.exited_at as date) <= as_of.as_of_date then stays.exited_at end as exited_at
from stays
cross join as_of
left join mapping
    on stays.source_system = mapping.source_system
        and lower(trim(stays.stage_name)) = mapping.stage_key
left join canonical_stages on mapping.canonical_stage = canonical_stages.canonical_stage
where cast(stays.entered_at as date) <= as_of.as_of_date
