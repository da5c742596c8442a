{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- Canonical stage stays from Lever's stageChanges: a stay starts at its
-- updatedAt and ends when the next change starts; the last one ends at the
-- opportunity's archivedAt, or is still open. One row per change.
with opportunities as (
    select * from {{ ref('base_lever__opportunities') }}
),

applications as (
    select * from {{ ref('base_lever__applications') }}
),

stages as (
    select * from {{ ref('base_lever__stages') }}
),

changes as (
    select
        opportunities.opportunity_id,
        opportunities.archived_at,
        changes.position as change_position,
        'lever:' || {{ json_text('changes.value', '$.toStageId') }} as stage_id,
        cast({{ json_text('changes.value', '$.updatedAt') }} as timestamp) as entered_at
    from opportunities
    {{ json_array_elements('opportunities.stage_changes', 'changes') }}
),

stays as (
    select
        *,
        lead(entered_at) over (
            partition by opportunity_id order by entered_at, change_position
        ) as next_entered_at,
        row_number() over (
            partition by opportunity_id order by entered_at, change_position
        ) as stay_number
    from changes
),

canonical as (
    select
        -- ids
        applications.application_id || ':' || cast(stays.stay_number as string) as stage_stay_id,
        applications.application_id,
        stays.stage_id,
        'lever' as source_system,
        -- attributes
        stages.stage_name,
        -- timestamps (UTC)
        stays.entered_at,
        coalesce(stays.next_entered_at, stays.archived_at) as exited_at
    from stays
    inner join applications
        on stays.opportunity_id = applications.opportunity_id
    left join stages
        on stays.stage_id = stages.stage_id
)

select * from canonical
