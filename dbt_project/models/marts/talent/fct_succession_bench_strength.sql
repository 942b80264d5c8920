{#- The cuts every KPI is reported by (SPEC section 4): name -> expression on a position row. -#}
{%- set cuts = {
    'organisation': "'all'",
    'department': 'department_id',
    'region': "coalesce(region, 'unknown')",
    'level': 'cast(leadership_level as ' ~ dbt.type_string() ~ ')',
} -%}
-- Succession bench strength per cut (grain: quarter x cut x cut_value; cuts organisation (value
-- 'all'), department, region, level = the critical position's leadership level). The ISO/TS
-- 30433 successor-coverage ratio is nominated successors / critical positions x 100; bench
-- strength gross counts nominations, net counts each candidate once across the cut's positions.
-- Only qualified successors count (active, not the incumbent), as in fct_succession_coverage. No
-- rows when positions are not tracked; every successor figure null (unknown, not 0) when succession
-- nominations are not tracked (config.tracked_entities).
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
        count(*) filter (where has_emergency_successor) as positions_with_emergency_successor,
        bool_and(has_ready_now_successor is not null) as successors_known
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

-- known: the successor figures are measured (nominations tracked); null otherwise, never 0
final as (
    select
        p.quarter,
        p.cut,
        p.cut_value,
        p.critical_positions,
        case when p.successors_known then p.positions_with_ready_now_successor end
            as positions_with_ready_now_successor,
        case when p.successors_known then cast(100 as double) * p.positions_with_ready_now_successor / p.critical_positions end
            as succession_coverage_pct,
        case when p.successors_known then coalesce(s.bench_strength_gross, 0) end as nominated_successors,
        case when p.successors_known then cast(100 as double) * coalesce(s.bench_strength_gross, 0) / p.critical_positions end
            as successor_coverage_ratio,
        case when p.successors_known then coalesce(s.bench_strength_gross, 0) end as bench_strength_gross,
        case when p.successors_known then coalesce(s.bench_strength_net, 0) end as bench_strength_net,
        case when p.successors_known then cast(100 as double) * coalesce(s.bench_strength_net, 0) / p.critical_positions end
            as net_successor_coverage_ratio,
        case when p.successors_known then coalesce(s.ready_now_bench_gross, 0) end as ready_now_bench_gross,
        case when p.successors_known then coalesce(s.ready_now_bench_net, 0) end as ready_now_bench_net,
        case when p.successors_known then p.positions_with_emergency_successor end
            as positions_with_emergency_successor,
        case when p.successors_known then cast(100 as double) * p.positions_with_emergency_successor / p.critical_positions end
            as emergency_successor_coverage_pct
    from positions_aggregated as p
    left join successors_aggregated as s
        on s.quarter = p.quarter
        and s.cut = p.cut
        and s.cut_value = p.cut_value
)

select * from final
