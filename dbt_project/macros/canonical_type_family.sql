{#- Lives in macros/: a macro defined beside a generic test in tests/generic is not
    registered, so the contract test could not call it there. -#}
{#- The family of a column type, the same for DuckDB's and Spark's names. -#}
{% macro canonical_type_family(type_name) -%}
    {%- set t = type_name | lower | trim -%}
    {%- if t.startswith('varchar') or t.startswith('string') or t.startswith('text') or t.startswith('char') -%}
        {{ return('string') }}
    {%- elif t in ('bigint', 'int', 'integer', 'int64', 'int32', 'long', 'smallint', 'tinyint', 'hugeint') -%}
        {{ return('integer') }}
    {%- elif t in ('double', 'float', 'real', 'double precision') or t.startswith('decimal') -%}
        {{ return('double') }}
    {%- elif t in ('boolean', 'bool') -%}
        {{ return('boolean') }}
    {%- elif t in ('timestamp', 'timestamp without time zone', 'timestamp_ntz') -%}
        {{ return('timestamp') }}
    {%- elif t == 'date' -%}
        {{ return('date') }}
    {%- else -%}
        {{ return(t) }}
    {%- endif -%}
{%- endmacro %}
