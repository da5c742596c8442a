-- An as-of date before the first event in the data would publish an empty
-- snapshot over a good one: refuse it. The failing row says why.
select
    'as_of ' || cast(as_of_date as {{ dbt.type_string() }})
    || ' is before the first event in the data ('
    || cast(first_event_date as {{ dbt.type_string() }}) || ')' as problem,
    as_of_date,
    first_event_date
from {{ ref('int_as_of_date') }}
where as_of_date < first_event_date
