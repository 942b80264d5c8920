-- Grants on named people (SPEC section 9), one row per viewer x subject x scope: direct_manager
-- gets `full` on their active direct reports (not skip-levels), mentor gets `development` on their
-- active mentees, every active employee gets `self`. Only active employees are viewers, and a
-- viewer never gets `full` or `development` on themselves. A `full` grant of an org-wide viewer
-- is left out: their executive or hr_admin grant (dim_access_org_wide_viewers) is the stronger.
with employees as (
    select * from {{ ref('int_employees_current') }}
),

active_assignments as (
    select * from {{ ref('int_mentor_assignments_active') }}
),

org_wide as (
    select * from {{ ref('dim_access_org_wide_viewers') }}
),

active as (
    select employee_id, manager_id from employees where is_active
),

grants as (
    select m.employee_id as viewer_employee_id, r.employee_id as subject_employee_id, 'full' as scope,
        'direct_manager' as basis
    from active as r
    inner join active as m on m.employee_id = r.manager_id
    left join org_wide as o on o.viewer_employee_id = m.employee_id
    where r.employee_id <> m.employee_id and o.viewer_employee_id is null

    union all

    select a.mentor_employee_id, a.mentee_employee_id, 'development', 'mentor'
    from active_assignments as a
    inner join active as m on m.employee_id = a.mentor_employee_id
    where a.mentor_employee_id <> a.mentee_employee_id

    union all

    select employee_id, employee_id, 'self', 'self'
    from active
),

final as (
    select distinct viewer_employee_id, subject_employee_id, scope, basis
    from grants
)

select * from final
