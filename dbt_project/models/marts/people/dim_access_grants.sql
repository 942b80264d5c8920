-- Who may read whose data (SPEC section 9), one row per viewer x subject x scope.
-- Bases: executive (active level 4, or role executive in access_roles) and hr_admin (access_roles)
-- get `full` on every employee, leavers included; direct_manager gets `full` on their active
-- direct reports (not skip-levels); mentor gets `development` on their active mentees; every
-- active employee gets `self` on themselves. Only active employees are viewers. A viewer never
-- gets `full` or `development` on themselves, only `self`. Where several bases give the same
-- scope, the strongest is kept: executive > hr_admin > direct_manager > mentor > self.
with employees as (
    select * from {{ ref('int_employees_current') }}
),

roles as (
    select * from {{ ref('access_roles') }}
),

active_assignments as (
    select * from {{ ref('int_mentor_assignments_active') }}
),

active as (
    select employee_id, manager_id, leadership_level from employees where is_active
),

org_wide_viewers as (
    select employee_id as viewer_employee_id, 'executive' as basis
    from active
    where leadership_level = 4

    union all

    select r.employee_id, r.role
    from roles as r
    inner join active as a on a.employee_id = r.employee_id
    where r.role in ('executive', 'hr_admin')
),

grants as (
    select
        v.viewer_employee_id,
        e.employee_id as subject_employee_id,
        'full' as scope,
        v.basis
    from org_wide_viewers as v
    cross join employees as e
    where e.employee_id <> v.viewer_employee_id

    union all

    select
        m.employee_id,
        r.employee_id,
        'full',
        'direct_manager'
    from active as r
    inner join active as m on m.employee_id = r.manager_id
    where r.employee_id <> m.employee_id

    union all

    select
        mentor_employee_id,
        mentee_employee_id,
        'development',
        'mentor'
    from active_assignments
    where mentor_employee_id <> mentee_employee_id

    union all

    select employee_id, employee_id, 'self', 'self'
    from active
),

strongest as (
    select *
    from grants
    qualify row_number() over (
        partition by viewer_employee_id, subject_employee_id, scope
        order by case basis
            when 'executive' then 1
            when 'hr_admin' then 2
            when 'direct_manager' then 3
            when 'mentor' then 4
            else 5
        end
    ) = 1
),

final as (
    select
        viewer_employee_id,
        subject_employee_id,
        scope,
        basis,
        scope in ('full', 'self') as can_view_scorecard,
        true as can_view_development,
        basis in ('executive', 'hr_admin') as can_view_succession_and_predictions,
        basis = 'hr_admin' as can_administer
    from strongest
)

select * from final
