-- Every employee in the latest HRIS snapshot with their department, level name and whether they
-- are employed on the as-of date (hired on or before it, not terminated before it: the
-- termination date is the last day employed, as in int_employee_months).
with employees as (
    select * from {{ ref('stg_hris__employees') }}
),

departments as (
    select * from {{ ref('stg_hris__departments') }}
),

levels as (
    select * from {{ source('config', 'leadership_levels') }}
),

as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

joined as (
    select
        e.employee_id,
        e.full_name,
        e.email,
        e.email_normalized,
        e.job_title,
        e.leadership_level,
        l.level_name,
        e.department_id,
        d.department_name,
        e.region,
        e.manager_id,
        d.executive_sponsor_id,
        e.slack_user_id,
        e.hire_date,
        e.termination_date,
        e.level_start_date,
        e.hire_date <= a.as_of_date
            and (e.termination_date is null or e.termination_date >= a.as_of_date) as is_active,
        coalesce(l.is_leader, e.leadership_level >= 1) as is_leader_level,
        a.as_of_date
    from employees as e
    cross join as_of as a
    left join departments as d on d.department_id = e.department_id
    left join levels as l on l.leadership_level = e.leadership_level
),

final as (
    select
        * except (is_leader_level),
        is_active and is_leader_level as is_leader
    from joined
)

select * from final
