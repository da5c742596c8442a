{#- A UTC timestamp as ISO 8601 text to the second (`2026-02-13T07:30:00Z`), for
    ids built from a time: the same text on every engine. -#}
{% macro utc_iso_text(column) -%}
    {{ return(adapter.dispatch('utc_iso_text')(column)) }}
{%- endmacro %}

{% macro duckdb__utc_iso_text(column) -%}
    strftime({{ column }}, '%Y-%m-%dT%H:%M:%SZ')
{%- endmacro %}

{% macro spark__utc_iso_text(column) -%}
    date_format({{ column }}, "yyyy-MM-dd'T'HH:mm:ss'Z'")
{%- endmacro %}
