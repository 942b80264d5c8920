-- Succession coverage of critical positions (SPEC sections 4 and 11). Grain: critical position x
-- quarter; only the as-of quarter exists, built from the current positions and nominations
-- snapshots (HRIS sends no nomination history).
with positions as (
    select * from {{ ref('int_critical_positions_resolved') }}
),

successors as (
    select * from {{ ref('int_succession_successors_qualified') }}
),

slates as (
    select
        position_id,
        count(distinct candidate_employee_id) filter (where is_ready_now) as ready_now_successors,
        count(distinct candidate_employee_id) as total_successors,
        count(distinct candidate_employee_id) filter (where is_emergency_successor) as emergency_successors
    from successors
    group by position_id
),

final as (
    select
        p.quarter,
        p.position_id,
        p.department_id,
        p.region,
        p.leadership_level,
        p.incumbent_employee_id,
        coalesce(s.ready_now_successors, 0) as ready_now_successors,
        coalesce(s.total_successors, 0) as total_successors,
        coalesce(s.ready_now_successors, 0) > 0 as has_ready_now_successor,
        coalesce(s.emergency_successors, 0) > 0 as has_emergency_successor,
        coalesce(s.emergency_successors, 0) as emergency_successors,
        p.title,
        p.is_vacant,
        p.region_source,
        p.as_of_date
    from positions as p
    left join slates as s on s.position_id = p.position_id
)

select * from final
