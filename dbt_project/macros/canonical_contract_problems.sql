{#- The rows of a contract check: one per missing, mistyped or extra column of
    each (staging relation, canonical entity) pair, naming the model and the
    column; none when every pair matches the contract (orchestration/canonical.py).
    Used by the generic test `matches_canonical_contract` (one model) and by the
    singular test over every source's staging models. -#}
{% macro canonical_contract_problems(checked) %}
    {%- set problems = [] -%}
    {%- if execute -%}
        {%- set relations = [] -%}
        {%- for relation, entity in checked -%}{%- do relations.append(relation) -%}{%- endfor -%}
        {%- set columns = contract_checked_columns(relations) -%}
        {%- set contract = canonical_contract() -%}
        {#- a dbt macro call costs about a millisecond: each type name is looked up once -#}
        {%- set families = {} -%}
        {%- for relation, entity in checked -%}
            {%- set actual = columns[relation.identifier | lower] -%}
            {%- set expected_names = [] -%}
            {%- for name, type in contract[entity] -%}
                {%- do expected_names.append(name) -%}
                {%- for t in [type, actual.get(name)] if t is not none and t not in families -%}
                    {%- do families.update({t: canonical_type_family(t)}) -%}
                {%- endfor -%}
                {%- if name not in actual -%}
                    {%- do problems.append(relation.identifier ~ ': missing column ' ~ name ~ ' (' ~ type ~ ')') -%}
                {%- elif families[actual[name]] != families[type] -%}
                    {%- do problems.append(relation.identifier ~ ': column ' ~ name ~ ' is ' ~ actual[name] ~ ', the contract says ' ~ type) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for name in actual if name not in expected_names -%}
                {%- do problems.append(relation.identifier ~ ': column ' ~ name ~ ' is not in the canonical contract of ' ~ entity) -%}
            {%- endfor -%}
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
{% endmacro %}

{#- {model name: {column name: type}} of each relation. -#}
{% macro contract_checked_columns(relations) %}
    {{ return(adapter.dispatch('contract_checked_columns')(relations)) }}
{% endmacro %}

{% macro default__contract_checked_columns(relations) %}
    {%- set columns = {} -%}
    {%- for relation in relations -%}
        {%- set actual = {} -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do actual.update({column.name | lower: column.dtype}) -%}
        {%- endfor -%}
        {%- do columns.update({relation.identifier | lower: actual}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}

{#- One catalog query for all of them, not one each. -#}
{% macro duckdb__contract_checked_columns(relations) %}
    {%- set columns = {} -%}
    {%- set wanted = [] -%}
    {%- for relation in relations -%}
        {%- do columns.update({relation.identifier | lower: {}}) -%}
        {%- do wanted.append("('" ~ relation.schema ~ "', '" ~ relation.identifier ~ "')") -%}
    {%- endfor -%}
    {%- set found = run_query(
        "select lower(table_name), lower(column_name), data_type"
        ~ " from information_schema.columns"
        ~ " where table_catalog = current_database()"
        ~ " and (table_schema, table_name) in (" ~ wanted | join(", ") ~ ")"
        ~ " order by table_name, ordinal_position"
    ) -%}
    {%- for table, column, type in found.rows -%}
        {%- do columns[table].update({column: type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}
