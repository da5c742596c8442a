{#- ISO 8601 text with an offset -> UTC `timestamp`, independent of the
    session time zone. Text without an offset is taken as UTC already. -#}
{% macro to_utc_timestamp(column) -%}
    {{ return(adapter.dispatch('to_utc_timestamp')(column)) }}
{%- endmacro %}

{% macro duckdb__to_utc_timestamp(column) -%}
    case
        when regexp_matches({{ column }}, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast(cast({{ column }} as timestamptz) at time zone 'UTC' as timestamp)
        else cast({{ column }} as timestamp)
    end
{%- endmacro %}

{#- A calendar date as exported (`2026-02-13`); a full timestamp keeps its own date. -#}
{% macro to_calendar_date(column) -%}
    cast(substr({{ column }}, 1, 10) as date)
{%- endmacro %}
