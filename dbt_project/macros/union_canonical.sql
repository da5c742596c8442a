{#- One canonical entity from every configured ATS source (var `ats_sources`):
    the contract's columns, in its order and types, from each source's
    `stg_<source>__<entity>` model. The body of `int_<entity>_unioned`. -#}
{% macro union_canonical(entity) -%}
    {%- set columns = canonical_contract()[entity] -%}
    {%- for source in canonical_sources() %}
select
    {%- for name, type in columns %}
    cast({{ name }} as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ ref('stg_' ~ source ~ '__' ~ entity) }}
{% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
