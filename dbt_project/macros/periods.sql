{#- KPI rows: every event is counted once per grain (month, quarter) and once
    per department scope (its own department and 'All departments'), so one
    plain GROUP BY yields every KPI row. Use both macros in a FROM clause and
    `period_start(...)`, `kpi_department(...)` in its SELECT. -#}
{% macro period_grains() -%}
    cross join (
        select 'month' as period_grain
        union all
        select 'quarter' as period_grain
    ) as grains
{%- endmacro %}

{% macro period_start(grain_column, date_column) -%}
    cast(
        case {{ grain_column }}
            when 'month' then {{ dbt.date_trunc('month', date_column) }}
            else {{ dbt.date_trunc('quarter', date_column) }}
        end as date
    )
{%- endmacro %}

{% macro department_scopes() -%}
    cross join (
        select false as is_org_wide
        union all
        select true as is_org_wide
    ) as scopes
{%- endmacro %}

{% macro kpi_department(department_column) -%}
    case when scopes.is_org_wide then 'All departments' else {{ department_column }} end
{%- endmacro %}
