{#- JSON access: the only dialect-specific JSON syntax of the project. -#}

{#- Scalar at a JSONPath ('$.type.name', '$[0].id') as text; null when absent. -#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, '{{ path }}')
{%- endmacro %}

{#- FROM-clause fragment: one row per element of a JSON array column, exposing
    `<alias>.value` (JSON) and `<alias>.position` (1-based). Null or empty
    arrays yield no rows. -#}
{% macro json_array_elements(column, alias) -%}
    {{ return(adapter.dispatch('json_array_elements')(column, alias)) }}
{%- endmacro %}

{% macro duckdb__json_array_elements(column, alias) -%}
    cross join unnest(cast({{ column }} as json[])) with ordinality as {{ alias }} (value, position)
{%- endmacro %}

{#- Value at a JSONPath as JSON (for nested arrays and objects). -#}
{% macro json_value(column, path) -%}
    {{ return(adapter.dispatch('json_value')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_value(column, path) -%}
    json_extract({{ column }}, '{{ path }}')
{%- endmacro %}
