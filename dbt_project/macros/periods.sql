{#- KPI rows: every event is counted once per grain (month, quarter) and once
    per scope: its own department or 'All departments', crossed with its own
    ATS (source system) or 'All ATSs', so one plain GROUP BY yields every KPI
    row and a dashboard filters by department and ATS without recomputing.
    Use `period_grains()` and `kpi_scopes()` in a FROM clause, and
    `period_start(...)`, `kpi_department(...)`, `kpi_source_system(...)` in its
    SELECT (and GROUP BY). -#}
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

{% macro kpi_scopes() -%}
    cross join (
        select false as is_org_wide
        union all
        select true as is_org_wide
    ) as scopes
    cross join (
        select false as is_all_sources
        union all
        select true as is_all_sources
    ) as source_scopes
{%- endmacro %}

{#- Department scopes alone, for KPIs not (yet) cut by ATS: their rows cover every ATS. -#}
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

{% macro kpi_source_system(source_system_column) -%}
    case when source_scopes.is_all_sources then 'All ATSs' else {{ source_system_column }} end
{%- endmacro %}
