-- An as-of date long after the latest event ages every open item, opening and
-- missing scorecard to that date: most often a typo (2031 for 2021) or an old
-- export refreshed with a new --as-of. It can be meant (a quiet quarter), so this
-- warns; 90 days is a quarter with no event at all. The failing row, stored for
-- the analyst to review, says why.
{{ config(severity = 'warn', store_failures = true) }}
with span as (
    select
        as_of_date,
        latest_event_date,
        {{ days_between('latest_event_date', 'as_of_date') }} as days_after
    from {{ ref('int_as_of_date') }}
)

select
    'as_of ' || cast(as_of_date as {{ dbt.type_string() }}) || ' is '
    || cast(days_after as {{ dbt.type_string() }})
    || ' days after the latest event in the data ('
    || cast(latest_event_date as {{ dbt.type_string() }}) || ')' as problem,
    as_of_date,
    latest_event_date
from span
where days_after > 90
