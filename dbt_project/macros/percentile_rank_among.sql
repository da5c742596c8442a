{#- Percentile rank of `value_column` among the rows of the same
    `partition_by` that have a value: percent_rank, i.e. the share of the
    other rows whose value is strictly worse, 0 to 1. `better` says which way
    is better: 'higher' or 'lower'. Tied rows share the lower rank (a tie is
    not "strictly worse"). Null for a row without a value and when fewer than
    two rows of the partition have one (no one to rank against). Values are
    ranked rounded to 9 decimals: two equal means summed in another order (a
    warehouse merged from delta files) may differ in their last bits, and must
    still tie. Standard window functions: runs on every engine. -#}
{% macro percentile_rank_among(partition_by, value_column, better) -%}
{%- if better not in ('higher', 'lower') -%}
    {{ exceptions.raise_compiler_error("percentile_rank_among: better must be 'higher' or 'lower', got " ~ better) }}
{%- endif -%}
case
    when {{ value_column }} is not null and count({{ value_column }}) over (partition by {{ partition_by }}) >= 2
        then percent_rank() over (
            partition by {{ partition_by }}, case when {{ value_column }} is null then 1 else 0 end
            order by round({{ value_column }}, 9) {{ 'asc' if better == 'higher' else 'desc' }}
        )
end
{%- endmacro %}
