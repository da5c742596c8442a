{{ config(materialized='table') }}  -- unnests a JSON array: see dbt_project.yml
-- The hiring team is nested in jobs.hiring_team, one array per role: one row
-- per job, role and user, keeping the list position and the responsible flag.
{%- set roles = {
    'hiring_managers': 'hiring_manager',
    'recruiters': 'recruiter',
    'coordinators': 'coordinator',
    'sourcers': 'sourcer',
} %}

with source as (
    select * from {{ source('greenhouse', 'jobs') }}
),

members as (
    {%- for array_name, role in roles.items() %}
        select
            source.id as job_source_id,
            '{{ role }}' as team_role,
            member.value as member,
            member.position as list_position
        from source
        {{ json_array_elements(json_value('source.hiring_team', '$.' ~ array_name), 'member') }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

renamed as (
    select
        -- ids
        'greenhouse:' || job_source_id || ':' || team_role || ':' || {{ json_text('member', '$.id') }}
            as hiring_team_member_id,
        'greenhouse:' || job_source_id as job_id,
        'greenhouse:' || {{ json_text('member', '$.id') }} as user_id,
        -- attributes
        'greenhouse' as source_system,
        team_role,
        cast(list_position as bigint) as list_position,
        coalesce(cast({{ json_text('member', '$.responsible') }} as boolean), false) as is_responsible
    from members
)

select * from renamed
