-- The critical positions as of the as-of date (grain: critical position; one quarter, the as-of
-- quarter, because HRIS sends positions and nominations as current snapshots only). The incumbent
-- counts only while an active employee (hired on or before, not terminated on or before the
-- as-of date); otherwise the position is vacant. Region is the incumbent's, or for a vacant
-- position the department head's (then the executive sponsor's) region. None when the organisation
-- does not track positions (config.tracked_entities), whatever was loaded while it did: which
-- positions are critical is then unknown.
with calendar as (
    select max(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

positions as (
    select * from {{ ref('stg_hris__positions') }}
    where is_critical and {{ entity_tracked('hris', 'positions') }}
),

departments as (
    select * from {{ ref('stg_hris__departments') }}
),

active_employees as (
    select e.employee_id, e.region
    from {{ ref('stg_hris__employees') }} as e
    cross join calendar as c
    where e.hire_date <= c.as_of_date
        and (e.termination_date is null or e.termination_date > c.as_of_date)
),

resolved as (
    select
        cast(date_trunc('quarter', c.as_of_date) as date) as quarter,
        c.as_of_date,
        p.position_id,
        p.title,
        p.department_id,
        p.leadership_level,
        p.incumbent_employee_id as listed_incumbent_employee_id,
        incumbent.employee_id as incumbent_employee_id,
        incumbent.employee_id is null as is_vacant,
        coalesce(incumbent.region, head.region, sponsor.region) as region,
        case
            when incumbent.region is not null then 'incumbent'
            when head.region is not null then 'department_head'
            when sponsor.region is not null then 'executive_sponsor'
        end as region_source
    from positions as p
    cross join calendar as c
    left join active_employees as incumbent on incumbent.employee_id = p.incumbent_employee_id
    left join departments as d on d.department_id = p.department_id
    left join active_employees as head on head.employee_id = d.head_employee_id
    left join active_employees as sponsor on sponsor.employee_id = d.executive_sponsor_id
)

select * from resolved
