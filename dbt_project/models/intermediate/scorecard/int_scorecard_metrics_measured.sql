-- The raw value of every scorecard metric that has an input, per leader and month (SPEC section 3).
-- Grain: leader x month x metric. A metric with no input has no row (it is left out and its
-- category re-normalised downstream). Monthly inputs use the scorecard month; "trailing 3 months"
-- is M-2..M; quarterly inputs use the latest value whose period began within the lookback.
-- Where a metric applies (e.g. revenue-generating departments only) is decided by the catalogue,
-- in int_scorecard_metrics_scored.
with lookback as (
    select cast(value as integer) as months
    from {{ source('config', 'lpss_parameters') }} where parameter = 'quarterly_lookback_months'
),

-- lookback_start: a quarterly input counts when its period began after it (and by the month's end).
leader_months as (
    select
        m.employee_id,
        m.month_start as month,
        m.month_end,
        m.observed_through,
        {{ dbt.dateadd('month', '-lookback.months', 'm.month_end') }} as lookback_start
    from {{ ref('int_employee_months') }} as m
    cross join lookback
    where m.is_leader
),

goal_attainment as (
    select lm.employee_id, lm.month, 'goal_attainment' as metric_id, g.goal_attainment_pct as raw_value
    from leader_months as lm
    inner join {{ ref('stg_hris__goal_attainment') }} as g
        on g.employee_id = lm.employee_id and g.month = lm.month
),

revenue_attainment as (
    select lm.employee_id, lm.month, 'revenue_attainment', 100 * r.revenue / r.revenue_target
    from leader_months as lm
    inner join {{ ref('int_team_revenue_matched') }} as r
        on r.employee_id = lm.employee_id and r.month = lm.month
    where r.revenue_target > 0
),

-- Trailing-3-month team revenue against the same three months a year earlier; all six months needed.
team_growth as (
    select
        lm.employee_id,
        lm.month,
        'team_growth',
        100 * (
            sum(r.revenue) filter (where r.month >= lm.month - interval 2 month)
            / sum(r.revenue) filter (where r.month <= lm.month - interval 12 month)
            - 1
        )
    from leader_months as lm
    inner join {{ ref('int_team_revenue_matched') }} as r
        on r.employee_id = lm.employee_id
        and (
            r.month between lm.month - interval 2 month and lm.month
            or r.month between lm.month - interval 14 month and lm.month - interval 12 month
        )
    group by lm.employee_id, lm.month
    having count(distinct r.month) = 6
        and sum(r.revenue) filter (where r.month <= lm.month - interval 12 month) > 0
),

-- Latest survey whose quarter began within the lookback before the month's end.
team_satisfaction as (
    select lm.employee_id, lm.month, 'team_satisfaction', max_by(s.team_satisfaction, s.survey_quarter)
    from leader_months as lm
    inner join {{ ref('stg_hris__engagement_surveys') }} as s
        on s.leader_employee_id = lm.employee_id
        and s.survey_quarter > lm.lookback_start
        and s.survey_quarter <= lm.month_end
    group by lm.employee_id, lm.month
),

feedback_completion as (
    select lm.employee_id, lm.month, 'feedback_completion', 100 * f.feedback_completed / f.feedback_requested
    from leader_months as lm
    inner join {{ ref('stg_hris__one_on_one_feedback') }} as f
        on f.leader_employee_id = lm.employee_id and f.month = lm.month
    where f.feedback_requested > 0
),

-- Required trainings due in the trailing 3 months (up to the day observed), completed by their due date.
training_completion as (
    select
        lm.employee_id,
        lm.month,
        'training_completion',
        100 * avg(case when t.completed_on <= t.due_date then 1 else 0 end)
    from leader_months as lm
    inner join {{ ref('stg_hris__trainings') }} as t
        on t.employee_id = lm.employee_id
        and t.is_required
        and t.due_date between lm.month - interval 2 month and lm.observed_through
    group by lm.employee_id, lm.month
),

-- Sessions planned: each mentee assignment's planned_sessions_per_month for every trailing month
-- in which it was active; completed: sessions completed in those months.
mentee_months as (
    select lm.employee_id, lm.month, a.assignment_id, a.planned_sessions_per_month, c.month_start
    from leader_months as lm
    inner join {{ ref('stg_hris__mentor_assignments') }} as a on a.mentee_employee_id = lm.employee_id
    inner join {{ ref('int_reporting_calendar') }} as c
        on c.month_start between lm.month - interval 2 month and lm.month
        and a.start_date <= c.month_end
        and (a.end_date is null or a.end_date >= c.month_start)
),

mentoring_planned as (
    select employee_id, month, sum(planned_sessions_per_month) as planned
    from mentee_months
    group by employee_id, month
),

mentoring_completed as (
    select lm.employee_id, lm.month, count(*) as completed
    from leader_months as lm
    inner join {{ ref('stg_hris__mentor_assignments') }} as a on a.mentee_employee_id = lm.employee_id
    inner join {{ ref('stg_hris__mentoring_sessions') }} as s
        on s.assignment_id = a.assignment_id
        and s.status = 'completed'
        and s.scheduled_on between lm.month - interval 2 month and lm.observed_through
    group by lm.employee_id, lm.month
),

mentoring_attendance as (
    select p.employee_id, p.month, 'mentoring_attendance', 100 * coalesce(c.completed, 0) / p.planned
    from mentoring_planned as p
    left join mentoring_completed as c on c.employee_id = p.employee_id and c.month = p.month
    where p.planned > 0
),

latest_strategic_impact as (
    select
        lm.employee_id,
        lm.month,
        max_by(r.project_execution, r.quarter) as project_execution,
        max_by(r.innovation, r.quarter) as innovation,
        max_by(r.cross_functional_influence, r.quarter) as cross_functional_influence
    from leader_months as lm
    inner join {{ ref('stg_hris__strategic_impact_ratings') }} as r
        on r.leader_employee_id = lm.employee_id
        and r.quarter > lm.lookback_start
        and r.quarter <= lm.month_end
    group by lm.employee_id, lm.month
),

strategic_impact as (
    select *
    from latest_strategic_impact
    unpivot (raw_value for metric_id in (project_execution, innovation, cross_functional_influence))
),

all_metrics as (
    select * from goal_attainment
    union all select * from revenue_attainment
    union all select * from team_growth
    union all select * from team_satisfaction
    union all select * from feedback_completion
    union all select * from training_completion
    union all select * from mentoring_attendance
    union all select employee_id, month, metric_id, raw_value from strategic_impact
)

select employee_id, month, metric_id, cast(raw_value as double) as raw_value
from all_metrics
where raw_value is not null
