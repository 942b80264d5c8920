{#- The cuts every KPI is reported by (SPEC section 4): name -> expression on a position row. -#}
{%- set cuts = {
    'organisation': "'all'",
    'department': 'department_id',
    'region': "coalesce(region, 'unknown')",
    'level': 'cast(leadership_level as varchar)',
} -%}
-- Succession bench strength per cut (grain: quarter x cut x cut_value; cuts organisation (value
-- 'all'), department, region, level = the critical position's leadership level). The ISO/TS
-- 30433 successor-coverage ratio is nominated successors / critical positions x 100; bench
-- strength gross counts nominations, net counts each candidate once across the cut's positions.
-- Only qualified successors count (active, not the incumbent), as in fct_succession_coverage.
with coverage as (
    select * from {{ ref('fct_succession_coverage') }}
),

successors as (
    select * from {{ ref('int_succession_successors_qualified') }}
),

position_cuts as (
    {%- for cut, expression in cuts.items() %}
    select quarter, '{{ cut }}' as cut, {{ expression }} as cut_value, position_id,
        has_ready_now_successor, has_emergency_successor
    from coverage
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

successor_cuts as (
    {%- for cut, expression in cuts.items() %}
    select quarter, '{{ cut }}' as cut, {{ expression }} as cut_value, position_id,
        candidate_employee_id, is_ready_now, is_emergency_successor
    from successors
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

positions_aggregated as (
    select
        quarter,
        cut,
        cut_value,
        count(*) as critical_positions,
        count(*) filter (where has_ready_now_successor) as positions_with_ready_now_successor,
        count(*) filter (where has_emergency_successor) as positions_with_emergency_successor
    from position_cuts
    group by quarter, cut, cut_value
),

successors_aggregated as (
    select
        quarter,
        cut,
        cut_value,
        count(*) as bench_strength_gross,
        count(distinct candidate_employee_id) as bench_strength_net,
        count(*) filter (where is_ready_now) as ready_now_bench_gross,
        count(distinct candidate_employee_id) filter (where is_ready_now) as ready_now_bench_net
    from successor_cuts
    group by quarter, cut, cut_value
),

final as (
    select
        p.quarter,
        p.cut,
        p.cut_value,
        p.critical_positions,
        p.positions_with_ready_now_successor,
        100.0 * p.positions_with_ready_now_successor / p.critical_positions as succession_coverage_pct,
        coalesce(s.bench_strength_gross, 0) as nominated_successors,
        100.0 * coalesce(s.bench_strength_gross, 0) / p.critical_positions as successor_coverage_ratio,
        coalesce(s.bench_strength_gross, 0) as bench_strength_gross,
        coalesce(s.bench_strength_net, 0) as bench_strength_net,
        100.0 * coalesce(s.bench_strength_net, 0) / p.critical_positions as net_successor_coverage_ratio,
        coalesce(s.ready_now_bench_gross, 0) as ready_now_bench_gross,
        coalesce(s.ready_now_bench_net, 0) as ready_now_bench_net,
        p.positions_with_emergency_successor,
        100.0 * p.positions_with_emergency_successor / p.critical_positions as emergency_successor_coverage_pct
    from positions_aggregated as p
    left join successors_aggregated as s
        on s.quarter = p.quarter
        and s.cut = p.cut
        and s.cut_value = p.cut_value
)

select * from final
