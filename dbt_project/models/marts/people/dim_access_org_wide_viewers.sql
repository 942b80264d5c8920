-- Who may read every employee (SPEC section 9), one row per viewer: active level-4 people
-- (executive), and active people given role executive or hr_admin in access_roles. A person with
-- both bases keeps the strongest: executive > hr_admin. dim_access_grants expands these rows to
-- one per employee when it is read; stored per employee they grew with executives x headcount
-- (4.5 M rows at 50,000 employees, billions at 2,000,000).
with employees as (
    select * from {{ ref('int_employees_current') }}
),

roles as (
    select * from {{ source('config', 'access_roles') }}
),

active as (
    select employee_id, leadership_level from employees where is_active
),

bases as (
    select employee_id as viewer_employee_id, 'executive' as basis
    from active
    where leadership_level = 4

    union all

    select r.employee_id, r.role
    from roles as r
    inner join active as a on a.employee_id = r.employee_id
    where r.role in ('executive', 'hr_admin')
),

final as (
    select viewer_employee_id, basis
    from bases
    qualify row_number() over (
        partition by viewer_employee_id order by case basis when 'executive' then 1 else 2 end
    ) = 1
)

select * from final
