-- One row per employee in the latest HRIS snapshot (grain: employee, current state), leavers
-- included with is_active = false. is_leader = active and level >= 1 (SPEC section 1).
with employees as (
    select * from {{ ref('int_employees_current') }}
),

final as (
    select
        employee_id,
        full_name,
        email,
        leadership_level,
        level_name,
        department_id,
        department_name,
        region,
        manager_id,
        executive_sponsor_id,
        is_active,
        is_leader,
        job_title,
        slack_user_id,
        hire_date,
        termination_date,
        level_start_date,
        as_of_date
    from employees
)

select * from final
