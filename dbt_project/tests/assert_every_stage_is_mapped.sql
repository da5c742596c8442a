-- Every ATS stage name, in the stage history, in a job's interview plan or as
-- an application's current stage, maps to a canonical stage. Each failing row
-- names an unmapped stage: add it to seeds/stage_mapping.csv.
with stage_names as (
    select
        source_system,
        stage_name
    from {{ ref('stg_greenhouse__application_stages') }}
    union
    select
        source_system,
        stage_name
    from {{ ref('stg_greenhouse__job_stages') }}
    union
    select
        source_system,
        current_stage_name
    from {{ ref('stg_greenhouse__applications') }}
    where current_stage_name is not null
),

mapping as (
    select
        source_system,
        lower(trim(stage_name)) as stage_key
    from {{ ref('stage_mapping') }}
)

select
    stage_names.source_system,
    stage_names.stage_name
from stage_names
left join mapping
    on stage_names.source_system = mapping.source_system
        and lower(trim(stage_names.stage_name)) = mapping.stage_key
where mapping.stage_key is null
