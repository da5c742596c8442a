{#- A key column: fails on every value that is missing or occurs more than
    once, in one scan (dbt's `unique` and `not_null` took a query each, and
    a node each in every refresh). The failing rows show the value and how
    often it occurs; a missing key shows as null. -#}
{% test primary_key(model, column_name) %}
select {{ column_name }} as key_value, count(*) as occurrences
from {{ model }}
group by {{ column_name }}
having {{ column_name }} is null or count(*) > 1
{% endtest %}
