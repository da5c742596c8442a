{#- The one definition of how a duration is summarized (docs/metrics.md,
    "Aggregates"): median and 75th percentile with linear interpolation
    (quantile_cont), and the mean. `prefix` names the columns. -#}
{% macro duration_stats(column, prefix='') -%}
    percentile_cont(0.5) within group (order by {{ column }}) as {{ prefix }}median_days,
    percentile_cont(0.75) within group (order by {{ column }}) as {{ prefix }}p75_days,
    avg({{ column }}) as {{ prefix }}mean_days
{%- endmacro %}
