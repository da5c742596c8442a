-- Every ATS stage name, in the stage history, in a job's interview plan or as
-- an application's current stage, maps to a canonical stage. Each failing row
-- names the source system and the unmapped stage: add a row for them to
-- dbt_project/seeds/stage_mapping.csv.
-- Reads several models: Dagster shows it as a check of the stage_mapping seed.
{{ config(meta={'dagster': {'ref': {'name': 'stage_mapping'}}}) }}
with stage_names as (
    select
        source_system,
        stage_name
    from {{ ref('int_stage_stays_unioned') }}
    union
    select
        source_system,
        stage_name
    from {{ ref('int_stages_unioned') }}
    union
    select
        source_system,
        current_stage_name
    from {{ ref('int_applications_unioned') }}
    where current_stage_name is not null
),

mapping as (
    select
        source_system,
        lower(trim(stage_name)) as stage_key
    from {{ ref('stage_mapping') }}
)

select
    'source ' || stage_names.source_system || ': stage ''' || stage_names.stage_name
    || ''' is not in dbt_project/seeds/stage_mapping.csv' as problem,
    stage_names.source_system,
    stage_names.stage_name
from stage_names
left join mapping
    on stage_names.source_system = mapping.source_system
        and lower(trim(stage_names.stage_name)) = mapping.stage_key
where mapping.stage_key is null
