-- The readiness model's features (SPEC section 8). Grain: person x month for people at levels 0-3
-- employed on the month's last observed day. Every feature uses only rows dated on or before that
-- day (observed_through), so a month's features never change when later data arrives: the
-- scorecard (already trailing), competency ratings carried forward from earlier assessments,
-- IDP milestones due by then, nominations made by then, the latest readiness assessment by then.
-- Scorecard features (and training completion, mentoring attendance) exist for leaders only; a
-- level-0 person has no scorecard and XGBoost treats the missing values as missing.
-- Caveat: HRIS sends succession nominations as a current snapshot, so months before the latest
-- talent review see no nomination; see README "Readiness model".
with person_months as (
    select employee_id, month_start as month, observed_through, leadership_level, hire_date
    from {{ ref('int_employee_months') }}
    where leadership_level <= 3
),

scorecards as (
    select
        employee_id, month, composite_score, performance_score, engagement_score, development_score,
        strategic_impact_score, composite_change, trend_slope_3m
    from {{ ref('fct_leader_scorecards') }}
),

scorecard_inputs as (
    select
        employee_id,
        month,
        max(raw_value) filter (where metric_id = 'training_completion') as training_completion_pct,
        max(raw_value) filter (where metric_id = 'mentoring_attendance') as mentoring_attendance_pct
    from {{ ref('fct_scorecard_metrics') }}
    where metric_id in ('training_completion', 'mentoring_attendance')
    group by employee_id, month
),

competencies as (
    select
        r.employee_id,
        r.month,
        avg(r.rating) as competency_avg,
        min(r.rating) as competency_min,
        avg(r.rating) filter (where f.competency_kind = 'human') as competency_human_avg,
        avg(r.rating) filter (where f.competency_kind = 'technical') as competency_technical_avg
    from {{ ref('int_competency_ratings_carried') }} as r
    inner join {{ source('config', 'competency_framework') }} as f on f.competency_id = r.competency_id
    group by r.employee_id, r.month
),

-- the level held on a day started with the latest promotion on or before it; without one, at the
-- current level's start when that is no later, else (promoted only later) at hire
promotions as (
    {{ dated_spans(ref('stg_hris__promotions'), ['employee_id'], 'effective_date', ['effective_date']) }}
),

level_starts as (
    select
        pm.employee_id,
        pm.month,
        coalesce(
            p.effective_date,
            case when e.level_start_date <= pm.observed_through then e.level_start_date end,
            pm.hire_date
        ) as level_since
    from person_months as pm
    inner join {{ ref('stg_hris__employees') }} as e on e.employee_id = pm.employee_id
    left join promotions as p
        on p.employee_id = pm.employee_id
        and {{ span_holds('p', 'pm.observed_through') }}
),

idp as (
    select
        pm.employee_id,
        pm.month,
        cast(100 as double) * count(*) filter (where m.completed_on <= m.due_date) / count(*) as idp_on_schedule_pct
    from person_months as pm
    inner join {{ ref('stg_hris__idp_milestones') }} as m
        on m.employee_id = pm.employee_id and m.due_date <= pm.observed_through
    group by pm.employee_id, pm.month
),

readiness_order as (
    select * from (values ('ready_now', 3), ('ready_1_2_years', 2), ('ready_3_plus_years', 1))
        as t (readiness, readiness_rank)
),

nominations as (
    select
        pm.employee_id,
        pm.month,
        max(o.readiness_rank) as nomination_readiness,
        bool_or(n.is_emergency_successor) as is_emergency_successor
    from person_months as pm
    inner join {{ ref('stg_hris__succession_nominations') }} as n
        on n.candidate_employee_id = pm.employee_id and n.nominated_on <= pm.observed_through
    inner join readiness_order as o on o.readiness = n.readiness
    group by pm.employee_id, pm.month
),

assessments as (
    {{ dated_spans(ref('stg_hris__readiness_assessments'), ['employee_id'], 'assessed_on', ['assessed_ready']) }}
),

final as (
    select
        pm.employee_id,
        pm.month,
        pm.leadership_level,
        sc.composite_score,
        sc.performance_score,
        sc.engagement_score,
        sc.development_score,
        sc.strategic_impact_score,
        sc.composite_change,
        sc.trend_slope_3m,
        cast({{ month_diff('ls.level_since', 'pm.observed_through') }} as integer) as months_in_level,
        cast({{ month_diff('pm.hire_date', 'pm.observed_through') }} as integer) as tenure_months,
        idp.idp_on_schedule_pct,
        si.mentoring_attendance_pct,
        si.training_completion_pct,
        c.competency_avg,
        c.competency_min,
        c.competency_human_avg,
        c.competency_technical_avg,
        coalesce(n.nomination_readiness, 0) as nomination_readiness,
        coalesce(n.is_emergency_successor, false) as is_emergency_successor,
        a.assessed_ready as latest_assessed_ready
    from person_months as pm
    inner join level_starts as ls on ls.employee_id = pm.employee_id and ls.month = pm.month
    left join scorecards as sc on sc.employee_id = pm.employee_id and sc.month = pm.month
    left join scorecard_inputs as si on si.employee_id = pm.employee_id and si.month = pm.month
    left join competencies as c on c.employee_id = pm.employee_id and c.month = pm.month
    left join idp on idp.employee_id = pm.employee_id and idp.month = pm.month
    left join nominations as n on n.employee_id = pm.employee_id and n.month = pm.month
    left join assessments as a
        on a.employee_id = pm.employee_id
        and {{ span_holds('a', 'pm.observed_through') }}
)

select * from final
