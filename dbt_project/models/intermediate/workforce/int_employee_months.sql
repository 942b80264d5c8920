-- One row per employee per reporting month in which they were employed on the month's last
-- observed day (month end, or the as-of date in the as-of month), with the leadership level they
-- held that day. Levels before the export window are rebuilt from promotions: the level on a
-- day is the to_level of the latest promotion on or before it, else the from_level of the first
-- promotion after it, else the current level.
with employees as (
    select * from {{ ref('stg_hris__employees') }}
),

calendar as (
    select * from {{ ref('int_reporting_calendar') }}
),

promotions as (
    {{ dated_spans(ref('stg_hris__promotions'), ['employee_id'], 'effective_date', ['from_level', 'to_level']) }}
),

employed as (
    select
        e.employee_id,
        c.month_start,
        c.month_end,
        c.observed_through,
        c.is_provisional,
        e.leadership_level as current_level,
        e.department_id,
        e.region,
        e.hire_date
    from employees as e
    inner join calendar as c
        on e.hire_date <= c.observed_through
        and (e.termination_date is null or e.termination_date >= c.observed_through)
),

with_level as (
    select
        employed.*,
        coalesce(before.to_level, after.from_level, employed.current_level) as leadership_level
    from employed
    left join promotions as before
        on before.employee_id = employed.employee_id
        and {{ span_holds('before', 'employed.observed_through') }}
    left join promotions as after
        on after.employee_id = employed.employee_id
        and {{ span_next('after', 'employed.observed_through') }}
)

select
    employee_id,
    month_start,
    month_end,
    observed_through,
    is_provisional,
    leadership_level,
    leadership_level >= 1 as is_leader,
    department_id,
    region,
    hire_date
from with_level
