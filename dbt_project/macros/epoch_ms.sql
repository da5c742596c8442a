{#- Epoch milliseconds (UTC) as a UTC timestamp, for the few epoch values the
    ingest leaves nested in JSON (Lever offer fields such as the anticipated
    start date). -#}
{% macro epoch_ms_to_timestamp(column) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp')(column)) }}
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(column) -%}
    epoch_ms(cast({{ column }} as bigint))
{%- endmacro %}

{% macro spark__epoch_ms_to_timestamp(column) -%}
    timestamp_millis(cast({{ column }} as bigint))
{%- endmacro %}
