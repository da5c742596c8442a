{#- Exact hours from one timestamp to another (docs/metrics.md, Conventions:
    "Durations in hours are exact decimals"), as a double; negative when the
    end is before the start. Dispatched: DuckDB counts microseconds, Spark
    casts timestamps to fractional epoch seconds. -#}
{% macro hours_between(start_column, end_column) -%}
    {{ return(adapter.dispatch('hours_between')(start_column, end_column)) }}
{%- endmacro %}

{% macro default__hours_between(start_column, end_column) -%}
    cast({{ dbt.datediff(start_column, end_column, 'second') }} as double) / 3600.0
{%- endmacro %}

{% macro duckdb__hours_between(start_column, end_column) -%}
    cast(date_diff('microsecond', {{ start_column }}, {{ end_column }}) as double) / 3600000000.0
{%- endmacro %}

{% macro spark__hours_between(start_column, end_column) -%}
    (cast({{ end_column }} as double) - cast({{ start_column }} as double)) / 3600.0
{%- endmacro %}

{#- The end of the as-of date as a timestamp: midnight UTC at the start of the
    next day. An event counts as happened on the as-of date when it is
    strictly before this moment. -#}
{% macro end_of_day(date_column) -%}
    cast({{ dbt.dateadd('day', 1, 'cast(' ~ date_column ~ ' as date)') }} as timestamp)
{%- endmacro %}
