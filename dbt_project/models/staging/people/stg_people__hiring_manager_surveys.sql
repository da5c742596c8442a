-- manager_user_id is an ATS user id without a source system of its own: it is
-- the ATS of the employee's hiring application (stg_people__employees).
with source as (
    select * from {{ source('people', 'hiring_manager_surveys') }}
),

renamed as (
    select
        employee_id,
        cast(manager_user_id as string) as manager_ats_user_id,
        rating,
        submitted_at
    from source
)

select * from renamed
