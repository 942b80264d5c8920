-- Mentor assignments active on the as-of date: started on or before it, not ended before it, and
-- both mentor and mentee employed that day (a pairing whose person left is over, whatever its
-- end_date says).
with assignments as (
    select * from {{ ref('stg_hris__mentor_assignments') }}
),

employees as (
    select * from {{ ref('int_employees_current') }}
),

final as (
    select
        a.assignment_id,
        a.mentor_employee_id,
        a.mentee_employee_id,
        a.domain,
        a.start_date,
        a.end_date,
        a.planned_sessions_per_month,
        mentee.as_of_date
    from assignments as a
    inner join employees as mentor
        on mentor.employee_id = a.mentor_employee_id and mentor.is_active
    inner join employees as mentee
        on mentee.employee_id = a.mentee_employee_id and mentee.is_active
    where a.start_date <= mentee.as_of_date
        and (a.end_date is null or a.end_date >= mentee.as_of_date)
)

select * from final
