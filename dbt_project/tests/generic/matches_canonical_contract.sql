{#- A source's staging model has exactly the canonical columns of its entity,
    with the contract's types (orchestration/canonical.py). Each failing row
    names the model and the missing, mistyped or extra column. -#}
{% test matches_canonical_contract(model, entity) %}
    {%- set expected = canonical_contract()[entity] -%}
    {%- set problems = [] -%}
    {%- if execute -%}
        {%- set actual = {} -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- do actual.update({column.name | lower: column.dtype}) -%}
        {%- endfor -%}
        {%- set expected_names = [] -%}
        {%- for name, type in expected -%}
            {%- do expected_names.append(name) -%}
            {%- if name not in actual -%}
                {%- do problems.append(model.identifier ~ ': missing column ' ~ name ~ ' (' ~ type ~ ')') -%}
            {%- elif canonical_type_family(actual[name]) != canonical_type_family(type) -%}
                {%- do problems.append(model.identifier ~ ': column ' ~ name ~ ' is ' ~ actual[name] ~ ', the contract says ' ~ type) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for name in actual if name not in expected_names -%}
            {%- do problems.append(model.identifier ~ ': column ' ~ name ~ ' is not in the canonical contract of ' ~ entity) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if problems %}
        {%- for problem in problems %}
select '{{ problem | replace("'", "''") }}' as problem
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- else %}
select cast(null as {{ dbt.type_string() }}) as problem
where 1 = 0
    {%- endif %}
{% endtest %}
