{#- Every source in `ats_sources` ends its staging folder in one model per
    canonical entity, `stg_<source>__<entity>`, with exactly the contract's
    columns and types (orchestration/canonical.py). Each failing row names the
    model and the missing, mistyped or extra column.

    One test for all of them: the check reads only the models' column lists, and
    dbt's fixed cost per test (~0.15 s) made 39 tests of it a tenth of the
    demo's dbt time. A new source is checked as soon as it is in `ats_sources`. -#}
{%- set checked = [] -%}
{%- set entities = canonical_contract() -%}
{#- Reads several models: Dagster shows it as a check of the first (a check belongs
    to a model its test reads). -#}
{%- set first = 'stg_' ~ canonical_sources()[0] ~ '__' ~ (entities.keys() | first) -%}
{{ config(meta={'dagster': {'ref': {'name': first}}}) }}
{%- for source in canonical_sources() -%}
    {%- for entity in entities -%}
        {%- do checked.append((ref('stg_' ~ source ~ '__' ~ entity), entity)) -%}
    {%- endfor -%}
{%- endfor -%}
{{ canonical_contract_problems(checked) }}
