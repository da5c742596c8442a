-- Every hiring manager of a job, with the name the dashboards show. Hiring
-- managers are employees, named as in the ATS (not candidate data). A name two
-- managers share gets the id beside it, so a pick list never holds two equal
-- entries; a manager the users export does not name is shown by id.
with managers as (
    select distinct
        hiring_manager_id,
        source_system
    from {{ ref('int_jobs_enriched') }}
    where hiring_manager_id is not null
),

named as (
    select
        managers.hiring_manager_id,
        managers.source_system,
        nullif(trim(users.user_name), '') as hiring_manager_name
    from managers
    left join {{ ref('int_users_unioned') }} as users
        on managers.hiring_manager_id = users.user_id
)

select
    hiring_manager_id,
    source_system,
    hiring_manager_name,
    case
        when hiring_manager_name is null then hiring_manager_id
        when count(*) over (partition by hiring_manager_name) > 1
            then concat(hiring_manager_name, ' (', hiring_manager_id, ')')
        else hiring_manager_name
    end as display_name
from named
