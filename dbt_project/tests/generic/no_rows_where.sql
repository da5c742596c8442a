{#- Fails on (or, with severity warn, counts) every row matching `condition`;
    the failing rows are the rows themselves. Name each use for what it
    finds, e.g. `hired_without_hire_date`. -#}
{% test no_rows_where(model, condition) %}
select *
from {{ model }}
where {{ condition }}
{% endtest %}
