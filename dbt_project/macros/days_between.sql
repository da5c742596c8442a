{#- A duration in days: the difference of the two UTC calendar dates
    (docs/metrics.md, Conventions), as an integer. Takes timestamps or dates. -#}
{% macro days_between(start_column, end_column) -%}
    cast({{ dbt.datediff('cast(' ~ start_column ~ ' as date)', 'cast(' ~ end_column ~ ' as date)', 'day') }} as integer)
{%- endmacro %}
