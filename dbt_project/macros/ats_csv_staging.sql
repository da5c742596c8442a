{#- A staging model of the canonical CSV format: the file already holds the
    canonical columns, so staging only prefixes every id (`<col>_id`) with the
    row's source system and casts to the contract's types. Candidates get
    their `candidate_key` from the email's keyed hash (hashed at ingest). -#}
{% macro ats_csv_staging(entity) -%}
with source as (
    select * from {{ source('ats_csv', entity) }}
),

renamed as (
    select
        {%- for name, type in canonical_contract()[entity] %}
        {%- if name == 'candidate_key' %}
        coalesce(email, source_system || ':' || candidate_id) as candidate_key
        {%- elif name.endswith('_id') %}
        source_system || ':' || cast({{ name }} as {{ dbt.type_string() }}) as {{ name }}
        {%- else %}
        cast({{ name }} as {{ type }}) as {{ name }}
        {%- endif %}{{ "," if not loop.last }}
        {%- endfor %}
    from source
)

select * from renamed
{%- endmacro %}
