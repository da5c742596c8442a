-- Every ATS user (hiring managers, recruiters, interviewers) with the name the
-- dashboards show. Users are employees, named as in the ATS: not candidate
-- data. A name two users share gets their ATS beside it (the id, when they
-- share the ATS too), so a pick list never holds two equal entries; a user
-- without a name is shown by id.
with users as (
    select
        user_id,
        source_system,
        nullif(trim(user_name), '') as user_name
    from {{ ref('int_users_unioned') }}
),

hiring_managers as (
    select distinct hiring_manager_id
    from {{ ref('int_jobs_enriched') }}
    where hiring_manager_id is not null
)

select
    users.user_id,
    users.source_system,
    users.user_name,
    case
        when users.user_name is null then users.user_id
        when count(*) over (partition by users.user_name, users.source_system) > 1
            then concat(users.user_name, ' (', users.user_id, ')')
        when count(*) over (partition by users.user_name) > 1
            then concat(
                users.user_name, ' (',
                upper(substring(users.source_system, 1, 1)), substring(users.source_system, 2), ')'
            )
        else users.user_name
    end as display_name,
    hiring_managers.hiring_manager_id is not null as is_hiring_manager
from users
left join hiring_managers on users.user_id = hiring_managers.hiring_manager_id
