-- Canonical stages from Lever: one global pipeline (no job), in file order.
with stages as (
    select * from {{ ref('base_lever__stages') }}
),

canonical as (
    select
        stage_id,
        'lever' as source_system,
        cast(null as string) as job_id,
        stage_name,
        cast(stage_position as bigint) as stage_position
    from stages
)

select * from canonical
