-- The bench ranks exactly the candidates whose readiness is known, 1 to ranked_candidates in each
-- target level and month; a candidate without a readiness has no rank.
select month, target_level, employee_id, readiness_pct, bench_rank, ranked_candidates
from {{ ref('fct_leadership_bench') }}
where (readiness_pct is null) <> (bench_rank is null)
    or bench_rank > ranked_candidates
