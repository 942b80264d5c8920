-- The observations every KPI of SPEC section 4 is computed from, one row per thing counted:
-- a complete scorecard, an assessed-ready person, a milestone due, an assignment-month, a promotion, a
-- critical position. Each carries the period, the attributes KPIs are cut by (department,
-- region, level), a numerator/denominator and what was observed (the person, or the critical
-- position); fct_kpis aggregates them per cut, and the dashboard lists them behind a figure.
-- Grain: kpi x period x observation (no single key: observations are summed).
with calendar as (
    select any_value(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

window_months as (
    select cast(value as integer) as months from {{ source('config', 'lpss_parameters') }} where parameter = 'promotion_window_months'
),

people as (
    select employee_id, department_id, region, leadership_level from {{ ref('stg_hris__employees') }}
),

person_months as (
    select employee_id, month_start, department_id, region, leadership_level from {{ ref('int_employee_months') }}
),

scorecards as (
    select * from {{ ref('fct_leader_scorecards') }}
),

leadership_effectiveness as (
    select 'leadership_effectiveness_score' as kpi_id, month as period_start, department_id, region,
        leadership_level, composite_score as numerator, 1.0 as denominator, cast(null as double) as row_target,
        employee_id, cast(null as {{ dbt.type_string() }}) as position_id, employee_id as observation_id
    from scorecards
    where is_complete
),

-- Over complete scorecards only: a month whose scorecards are all incomplete measured nobody, so
-- its count is insufficient data, not 0 leaders in intervention.
early_warning as (
    select 'early_warning_leaders', month, department_id, region, leadership_level,
        case when band = 'intervention' then 1.0 else 0.0 end, 1.0, null, employee_id, null, employee_id
    from scorecards
    where is_complete
),

-- Cohort: each person assessed ready in a quarter (first such assessment); promoted when a
-- promotion took effect within the window after it. Only cohorts whose window has closed.
ready_cohort as (
    select employee_id, cast(date_trunc('quarter', assessed_on) as date) as quarter_start, min(assessed_on) as assessed_on
    from {{ ref('stg_hris__readiness_assessments') }}
    where assessed_ready
    group by employee_id, date_trunc('quarter', assessed_on)
),

promotion_accuracy as (
    select 'promotion_readiness_accuracy', c.quarter_start, coalesce(pm.department_id, p.department_id),
        coalesce(pm.region, p.region), coalesce(pm.leadership_level, p.leadership_level),
        case when exists (
            select 1 from {{ ref('stg_hris__promotions') }} as pr
            where pr.employee_id = c.employee_id and pr.to_level > pr.from_level
                and pr.effective_date > c.assessed_on
                and pr.effective_date <= {{ dbt.dateadd('month', 'w.months', 'c.assessed_on') }}
        ) then 1.0 else 0.0 end,
        1.0, null, c.employee_id, null, c.employee_id
    from ready_cohort as c
    cross join calendar
    cross join window_months as w
    inner join people as p on p.employee_id = c.employee_id
    left join person_months as pm
        on pm.employee_id = c.employee_id and pm.month_start = date_trunc('month', c.assessed_on)
    where {{ dbt.dateadd('month', '3 + w.months', 'c.quarter_start') }} <= {{ dbt.dateadd('day', 1, 'calendar.as_of_date') }}
),

-- Milestones due in the month (as judged in fct_idp_milestones: a leaver's milestones stop
-- counting at termination), on schedule when completed on or before the due date.
development_completion as (
    select 'development_path_completion', cast(date_trunc('month', m.due_date) as date),
        coalesce(pm.department_id, p.department_id), coalesce(pm.region, p.region),
        coalesce(pm.leadership_level, p.leadership_level),
        case when m.status = 'completed_on_time' then 1.0 else 0.0 end, 1.0, null, m.employee_id, null,
        m.milestone_id
    from {{ ref('fct_idp_milestones') }} as m
    cross join calendar
    inner join people as p on p.employee_id = m.employee_id
    left join person_months as pm
        on pm.employee_id = m.employee_id and pm.month_start = date_trunc('month', m.due_date)
    where m.status <> 'open' and m.due_date <= calendar.as_of_date  -- early completions count when due
),

mentorship as (
    select 'mentorship_engagement', e.month, coalesce(pm.department_id, p.department_id),
        coalesce(pm.region, p.region), coalesce(pm.leadership_level, p.leadership_level),
        e.completed_sessions, e.planned_sessions, null, e.mentee_employee_id, null, e.assignment_id
    from {{ ref('fct_mentorship_engagement') }} as e
    inner join people as p on p.employee_id = e.mentee_employee_id
    left join person_months as pm on pm.employee_id = e.mentee_employee_id and pm.month_start = e.month
),

-- Days from the first ready call to the promotion, as the promotion audit counts them.
time_to_promotion as (
    select 'time_to_promotion', cast(date_trunc('quarter', a.effective_date) as date), p.department_id, p.region,
        a.to_level, cast(a.days_from_first_ready_to_promotion as double), 1.0,
        cast(a.time_to_promotion_standard_days as double), a.employee_id, null,
        {{ dbt.concat(['a.employee_id', "':'", dbt.cast('a.effective_date', dbt.type_string())]) }}
    from {{ ref('fct_promotion_audit') }} as a
    inner join people as p on p.employee_id = a.employee_id
    where a.days_from_first_ready_to_promotion is not null
),

coverage as (
    select * from {{ ref('fct_succession_coverage') }}
),

succession as (
    select 'succession_coverage', quarter, department_id, region, leadership_level,
        case when has_ready_now_successor then 1.0 else 0.0 end, 1.0, null, null, position_id, position_id
    from coverage
    union all
    select 'successor_coverage_ratio', quarter, department_id, region, leadership_level,
        total_successors, 1.0, null, null, position_id, position_id
    from coverage
    union all
    select 'emergency_successor_coverage', quarter, department_id, region, leadership_level,
        case when has_emergency_successor then 1.0 else 0.0 end, 1.0, null, null, position_id, position_id
    from coverage
),

observations as (
    select * from leadership_effectiveness
    union all select * from early_warning
    union all select * from promotion_accuracy
    union all select * from development_completion
    union all select * from mentorship
    union all select * from time_to_promotion
    union all select * from succession
)

-- The union's widened types differ by engine (a decimal literal beside a count): stated once here.
select
    kpi_id, period_start, department_id, region, leadership_level,
    cast(numerator as double) as numerator,
    cast(denominator as decimal(20, 1)) as denominator,
    row_target, employee_id, position_id, observation_id
from observations
