{#- Fails on every combination of the given columns (or expressions) that
    occurs more than once; the failing rows show the duplicated values. -#}
{% test unique_combination_of_columns(model, columns) %}
select
    {% for column in columns %}{{ column }} as key_{{ loop.index }}, {% endfor %}
    count(*) as occurrences
from {{ model }}
group by {% for column in columns %}{{ column }}{% if not loop.last %}, {% endif %}{% endfor %}
having count(*) > 1
{% endtest %}
