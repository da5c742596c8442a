-- One row per job: its hiring manager and recruiter. Where a role lists
-- several people, the one flagged `responsible` wins, else the first listed.
with members as (
    select * from {{ ref('int_hiring_team_unioned') }}
    where team_role in ('hiring_manager', 'recruiter')
),

ranked as (
    select
        job_id,
        team_role,
        user_id,
        row_number() over (
            partition by job_id, team_role
            order by is_responsible desc, list_position asc
        ) as role_rank
    from members
)

select
    job_id,
    max(case when team_role = 'hiring_manager' then user_id end) as hiring_manager_id,
    max(case when team_role = 'recruiter' then user_id end) as recruiter_id
from ranked
where role_rank = 1
group by job_id
