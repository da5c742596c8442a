-- Lever applications, renamed and cast: an opportunity's tie to a posting.
with source as (
    select * from {{ source('lever', 'applications') }}
),

renamed as (
    select
        -- ids
        'lever:' || id as application_id,
        'lever:' || opportunityId as opportunity_id,
        'lever:' || posting as job_id,
        'lever:' || postingHiringManager as posting_hiring_manager_user_id,
        'lever:' || {{ json_text('requisitionForHire', '$.id') }} as hired_requisition_id,
        -- attributes
        type as application_type,
        -- timestamps (UTC)
        createdAt as created_at
    from source
)

select * from renamed
