{#- on-run-start: make the raw layer visible to the engine.
    DuckDB: the ingest writes the raw tables into the warehouse itself.
    Spark: the ingest writes each raw table as Parquet under
    $HIRING_SPARK_DIR/raw/<schema>/<table>/ (orchestration/engine.py); each
    source becomes an external table over its folder, dropped and created
    again so a new column or file is seen. Dropping an external table keeps
    its files. -#}
{% macro register_raw_tables() %}
    {{ return(adapter.dispatch('register_raw_tables')()) }}
{% endmacro %}

{% macro default__register_raw_tables() %}{% endmacro %}

{% macro spark__register_raw_tables() %}
    {%- if execute -%}
        {%- set root = env_var('HIRING_SPARK_DIR', '../warehouse/spark') ~ '/raw' -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ " using parquet location '"
                ~ root ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
