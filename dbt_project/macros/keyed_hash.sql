{#- Pseudonymize personal data: sha256 of a secret salt followed by the
    normalized value. The salt comes from HIRING_PII_SALT so that keys cannot
    be recomputed from a known email without it. -#}
{% macro keyed_hash(expression) -%}
    {%- set salt = env_var('HIRING_PII_SALT', 'demo-salt-change-me') | replace("'", "''") -%}
    {{ return(adapter.dispatch('keyed_hash')(expression, salt)) }}
{%- endmacro %}

{% macro duckdb__keyed_hash(expression, salt) -%}
    sha256('{{ salt }}' || {{ expression }})
{%- endmacro %}
