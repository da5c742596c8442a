{#- The last UTC calendar date a License to Hire completion is valid on
    (docs/metrics.md, "Licensed at open"): the date of its expires_at when the
    training record has one, else the completion date plus
    var('license_validity_days'). A completion is valid on day D when
    completed date <= D <= this date. -#}
{% macro license_valid_through(completed_column, expires_column) -%}
    coalesce(
        cast({{ expires_column }} as date),
        cast({{ dbt.dateadd('day', var('license_validity_days'), 'cast(' ~ completed_column ~ ' as date)') }} as date)
    )
{%- endmacro %}
