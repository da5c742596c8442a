-- Every dimension of fct_selection_counts adds up to the same total at a
-- transition (every application has exactly one group per dimension, zeros
-- included): the totals the statistics step's complementary suppression
-- protects. Fails on each transition x dimension whose total differs.
with totals as (
    select
        transition,
        dimension,
        sum(passed_n) as passed_n,
        sum(rejected_n) as rejected_n
    from {{ ref('fct_selection_counts') }}
    group by transition, dimension
),

expected as (
    select
        transition,
        passed_n,
        rejected_n
    from totals
    where dimension = 'gender'
)

select totals.*
from totals
inner join expected on totals.transition = expected.transition
where totals.passed_n != expected.passed_n
    or totals.rejected_n != expected.rejected_n
