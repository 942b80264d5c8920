-- Successor figures are measured (not null) exactly when the organisation tracks succession
-- nominations: a coverage of 0% or a gap must never stand for "nominations not tracked".
with nominations as (
    select {{ entity_tracked('hris', 'succession_nominations') }} as tracked
)

select 'fct_succession_coverage' as model, position_id as row_id
from {{ ref('fct_succession_coverage') }}
cross join nominations as n
where n.tracked <> (
    ready_now_successors is not null and total_successors is not null and emergency_successors is not null
    and has_ready_now_successor is not null and has_emergency_successor is not null
) or (not n.tracked and (ready_now_successors is not null or has_ready_now_successor is not null))

union all
select 'fct_succession_bench_strength', cut || ':' || cut_value
from {{ ref('fct_succession_bench_strength') }}
cross join nominations as n
where n.tracked <> (
    succession_coverage_pct is not null and successor_coverage_ratio is not null
    and bench_strength_gross is not null and bench_strength_net is not null
    and emergency_successor_coverage_pct is not null
) or (not n.tracked and (succession_coverage_pct is not null or bench_strength_gross is not null))
