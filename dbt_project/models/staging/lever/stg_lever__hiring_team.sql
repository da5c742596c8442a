-- Canonical hiring team from Lever: a posting's hiringManager (hiring_manager)
-- and owner (recruiter), one each.
with source as (
    select * from {{ source('lever', 'postings') }}
),

members as (
    select
        'lever:' || id as job_id,
        'lever:' || hiringManager as user_id,
        'hiring_manager' as team_role
    from source
    where hiringManager is not null
    union all
    select
        'lever:' || id as job_id,
        'lever:' || owner as user_id,
        'recruiter' as team_role
    from source
    where owner is not null
),

canonical as (
    select
        job_id || ':' || team_role || ':' || user_id as hiring_team_member_id,
        job_id,
        user_id,
        'lever' as source_system,
        team_role,
        cast(1 as bigint) as list_position,
        true as is_responsible
    from members
)

select * from canonical
