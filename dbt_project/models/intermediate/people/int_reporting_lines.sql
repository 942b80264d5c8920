-- The closure of the current reporting line: one row per (ancestor, descendant) pair where the
-- ancestor is the descendant's manager, the manager's manager, ... (depth 1 = direct manager).
-- Built with a recursive CTE over stg_hris__employees.manager_id; the path guard stops at a
-- cycle (a data-quality finding checked elsewhere) instead of recursing forever. The path is text,
-- each id between unit separators (chr(31), a control character ids do not hold): Spark has no
-- list literals.
with recursive edges as (
    select employee_id, manager_id
    from {{ ref('stg_hris__employees') }}
    where manager_id is not null and manager_id <> employee_id
),

chain (ancestor_employee_id, descendant_employee_id, depth, path) as (
    select
        manager_id,
        employee_id,
        1,
        chr(31) || employee_id || chr(31) || manager_id || chr(31)
    from edges

    union all

    select
        e.manager_id,
        c.descendant_employee_id,
        c.depth + 1,
        c.path || e.manager_id || chr(31)
    from chain as c
    inner join edges as e on e.employee_id = c.ancestor_employee_id
    where not contains(c.path, chr(31) || e.manager_id || chr(31))
),

final as (
    select
        ancestor_employee_id,
        descendant_employee_id,
        depth,
        depth = 1 as is_direct
    from chain
)

select * from final
