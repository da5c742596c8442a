{#- DuckDB: a model replaces its relation in one transaction, `create or replace`.
    dbt-duckdb's own view and table materializations build a temporary relation,
    rename the old one aside, rename the new one in and drop the old: five
    statements and their cache updates for each of ~110 models, about a quarter
    of the demo's dbt time. DuckDB's DDL is transactional, so the reader of a
    replaced relation sees the old one or the new one, never neither; a failed
    statement rolls back and leaves the old relation. Spark keeps dbt-spark's. -#}

{% materialization view, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set create_sql -%}
    create or replace view {{ target_relation }} as (
      {{ sql }}
    );
  {%- endset -%}
  {{ return(hiring_replace_relation(target_relation, create_sql, pre_hooks, post_hooks)) }}
{% endmaterialization %}

{% materialization table, adapter='duckdb' %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set create_sql -%}
    {%- if config.get('contract').enforced %}
    {#- dbt's contracted create: the declared columns and types, then the rows -#}
    drop table if exists {{ target_relation }};
    {{ create_table_as(False, target_relation, sql) }}
    {%- else %}
    create or replace table {{ target_relation }} as (
      {{ sql }}
    );
    {%- endif %}
  {%- endset -%}
  {{ return(hiring_replace_relation(target_relation, create_sql, pre_hooks, post_hooks)) }}
{% endmaterialization %}

{#- The part both share: hooks around one statement in one transaction. -#}
{% macro hiring_replace_relation(target_relation, create_sql, pre_hooks, post_hooks) %}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {{ hiring_drop_other_type(target_relation) }}
  {% call statement('main') -%}
    {{ create_sql }}
  {%- endcall %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmacro %}

{#- A model that changes between view and table: the old relation of the other type goes first. -#}
{% macro hiring_drop_other_type(target_relation) %}
  {%- set existing = load_cached_relation(target_relation) -%}
  {%- if existing is not none and existing.type != target_relation.type %}
    {{ drop_relation_if_exists(existing) }}
  {%- endif %}
{% endmacro %}
