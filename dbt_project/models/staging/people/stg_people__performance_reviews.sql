with source as (
    select * from {{ source('people', 'performance_reviews') }}
),

renamed as (
    select
        employee_id || ':' || cast(review_date as string) as performance_review_id,
        employee_id,
        review_date,
        rating,
        scale_min,
        scale_max
    from source
)

select * from renamed
