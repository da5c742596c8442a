{#- Fails when the model has no rows at all: an export whose rows all vanished
    (renamed fields, everything quarantined, an as-of date before the data)
    must not publish an empty snapshot. -#}
{% test not_empty(model) %}
select
    '{{ model.identifier }} has no rows: nothing would be published' as problem
from (select count(*) as row_count from {{ model }}) as counted
where counted.row_count = 0
{% endtest %}
