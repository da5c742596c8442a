{#- Minimum group size with complementary suppression (docs/metrics.md,
    "Minimum group size"; issue 7 §4), as a SELECT over `relation` (a model or
    a CTE name) that adds three columns:

    - is_primary_suppressed: `n_column` < `min_n` (default var('min_group_size'));
    - is_complementary_suppressed: the group (rows sharing `group_by`) has
      exactly one primary-suppressed cell with at least one person, so its
      value could be recovered by subtracting the others from the group's
      published total; the unsuppressed cell with the smallest `n_column`
      (ties: the smallest `tiebreak_column`) is suppressed too;
    - is_suppressed: either of the two.

    The cells of a group must partition one published total (each person in
    exactly one cell), as the cut values of one cut type do. A cell with n = 0
    is suppressed (it has no value) but reveals nothing, so it is not counted
    as the one cell a subtraction could recover. Only window functions: runs
    on every engine. The caller nulls its values where is_suppressed. -#}
{% macro complementary_suppression(relation, group_by, n_column, tiebreak_column, min_n=none) -%}
{%- set min_n = var('min_group_size') if min_n is none else min_n -%}
{%- set partition = group_by | join(', ') -%}
select
    ranked.*,
    (
        not ranked.is_primary_suppressed
        and ranked.primary_suppressed_nonempty_n = 1
        and ranked.unsuppressed_rank = 1
    ) as is_complementary_suppressed,
    (
        ranked.is_primary_suppressed
        or (
            ranked.primary_suppressed_nonempty_n = 1
            and ranked.unsuppressed_rank = 1
        )
    ) as is_suppressed
from (
    select
        flagged.*,
        sum(
            case when flagged.is_primary_suppressed and flagged.{{ n_column }} > 0 then 1 else 0 end
        ) over (partition by {{ partition }}) as primary_suppressed_nonempty_n,
        row_number() over (
            partition by {{ partition }}
            order by
                case when flagged.is_primary_suppressed then 1 else 0 end,
                flagged.{{ n_column }},
                flagged.{{ tiebreak_column }}
        ) as unsuppressed_rank
    from (
        select
            base.*,
            base.{{ n_column }} < {{ min_n }} as is_primary_suppressed
        from {{ relation }} as base
    ) as flagged
) as ranked
{%- endmacro %}
