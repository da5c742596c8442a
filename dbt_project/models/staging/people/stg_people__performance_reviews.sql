with source as (
    select * from {{ source('people', 'performance_reviews') }}
),

renamed as (
    select
        employee_id || ':' || review_date as performance_review_id,
        employee_id,
        {{ to_calendar_date('review_date') }} as review_date,
        rating,
        scale_min,
        scale_max
    from source
)

select * from renamed
