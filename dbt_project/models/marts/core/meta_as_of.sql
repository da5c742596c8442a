-- The reference date the published numbers were computed for, and the span
-- of the events in the data.
select
    as_of_date,
    first_event_date,
    latest_event_date
from {{ ref('int_as_of_date') }}
