-- Succession slates (SPEC sections 4 and 7): who is nominated for each critical position and how
-- ready. Grain: critical position x candidate x quarter (the as-of quarter only, like
-- fct_succession_coverage). Only successors who count (active, not the incumbent) are listed.
with successors as (
    select * from {{ ref('int_succession_successors_qualified') }}
),

positions as (
    select position_id, title, incumbent_employee_id from {{ ref('int_critical_positions_resolved') }}
),

final as (
    select
        s.quarter,
        s.position_id,
        p.title as position_title,
        p.incumbent_employee_id,
        s.candidate_employee_id,
        s.readiness,
        s.is_ready_now,
        s.is_emergency_successor,
        s.rank as nomination_rank,
        s.nominated_by,
        s.nominated_on,
        s.department_id,
        s.region,
        s.leadership_level
    from successors as s
    inner join positions as p on p.position_id = s.position_id
)

select * from final
