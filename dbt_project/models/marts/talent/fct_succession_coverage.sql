-- Succession coverage of critical positions (SPEC sections 4 and 11). Grain: critical position x
-- quarter; only the as-of quarter exists, built from the current positions and nominations
-- snapshots (HRIS sends no nomination history). No rows when the organisation does not track
-- positions; when it does not track succession nominations, the successor columns are null
-- (unknown), never 0 successors and a gap.
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

nominations as (
    select {{ entity_tracked('hris', 'succession_nominations') }} as tracked
),

final as (
    select
        p.quarter,
        p.position_id,
        p.department_id,
        p.region,
        p.leadership_level,
        p.incumbent_employee_id,
        case when n.tracked then coalesce(s.ready_now_successors, 0) end as ready_now_successors,
        case when n.tracked then coalesce(s.total_successors, 0) end as total_successors,
        case when n.tracked then coalesce(s.ready_now_successors, 0) > 0 end as has_ready_now_successor,
        case when n.tracked then coalesce(s.emergency_successors, 0) > 0 end as has_emergency_successor,
        case when n.tracked then coalesce(s.emergency_successors, 0) end as emergency_successors,
        p.title,
        p.is_vacant,
        p.region_source,
        p.as_of_date
    from positions as p
    cross join nominations as n
    left join slates as s on s.position_id = p.position_id
)

select * from final
