-- The nominated successors who count (grain: critical position x candidate), from the current
-- nominations snapshot: the candidate is an active employee on the as-of date (hired on or
-- before it, no termination on or before it) and not the position's incumbent. A vacant
-- position (no incumbent) keeps all its active candidates. Carries the position's cuts. None when
-- the organisation does not track succession nominations (config.tracked_entities).
with positions as (
    select * from {{ ref('int_critical_positions_resolved') }}
),

nominations as (
    select * from {{ ref('stg_hris__succession_nominations') }}
    where {{ entity_tracked('hris', 'succession_nominations') }}
),

employees as (
    select employee_id, hire_date, termination_date from {{ ref('stg_hris__employees') }}
),

qualified as (
    select
        p.quarter,
        p.as_of_date,
        n.position_id,
        n.candidate_employee_id,
        n.readiness,
        n.readiness = 'ready_now' as is_ready_now,
        n.is_emergency_successor,
        n.rank,
        n.nominated_by,
        n.nominated_on,
        p.department_id,
        p.region,
        p.leadership_level
    from nominations as n
    inner join positions as p on p.position_id = n.position_id
    inner join employees as e on e.employee_id = n.candidate_employee_id
    where e.hire_date <= p.as_of_date
        and (e.termination_date is null or e.termination_date > p.as_of_date)
        and n.candidate_employee_id is distinct from p.listed_incumbent_employee_id
        and n.candidate_employee_id is distinct from p.incumbent_employee_id
)

select * from qualified
