-- The reference date the published numbers were computed for.
select as_of_date from {{ ref('int_as_of_date') }}
