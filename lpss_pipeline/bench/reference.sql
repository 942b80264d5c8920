-- The three outputs of the `lpss bench` SQL reference (scorecard, succession coverage, KPIs), from the
-- staged working tables reference_staging.sql creates first on the same connection (references.py runs
-- the two in order). Working tables are dropped at the end.
-- Scorecard metrics (SPEC section 3): one row per leader-month-metric that has an input.
create or replace temp table measured as
with team_growth as (
    select lm.employee_id, lm.month,
        100 * (sum(r.revenue) filter (where r.month >= lm.month - interval 2 month)
            / sum(r.revenue) filter (where r.month <= lm.month - interval 12 month) - 1) as raw_value
    from leader_months as lm inner join team_revenue as r on r.employee_id = lm.employee_id
        and (r.month between lm.month - interval 2 month and lm.month
            or r.month between lm.month - interval 14 month and lm.month - interval 12 month)
    group by lm.employee_id, lm.month
    having count(distinct r.month) = 6
        and sum(r.revenue) filter (where r.month <= lm.month - interval 12 month) > 0
),
mentoring_planned as (
    select lm.employee_id, lm.month, sum(a.planned_sessions_per_month) as planned
    from leader_months as lm inner join assignments as a on a.mentee_employee_id = lm.employee_id
    inner join calendar as c on c.month_start between lm.month - interval 2 month and lm.month
        and a.start_date <= c.month_end and (a.end_date is null or a.end_date >= c.month_start)
    group by lm.employee_id, lm.month
),
mentoring_completed as (
    select lm.employee_id, lm.month, count(*) as completed
    from leader_months as lm inner join assignments as a on a.mentee_employee_id = lm.employee_id
    inner join sessions as s on s.assignment_id = a.assignment_id and s.status = 'completed'
        and s.scheduled_on between lm.month - interval 2 month and lm.observed_through
    group by lm.employee_id, lm.month
),
strategic as (
    unpivot (
        select lm.employee_id, lm.month, arg_max(r.project_execution, r.quarter) as project_execution,
            arg_max(r.innovation, r.quarter) as innovation,
            arg_max(r.cross_functional_influence, r.quarter) as cross_functional_influence
        from leader_months as lm inner join ratings as r on r.leader_employee_id = lm.employee_id
            and r.quarter > lm.lookback_start and r.quarter <= lm.month_end
        group by lm.employee_id, lm.month
    ) on project_execution, innovation, cross_functional_influence into name metric_id value raw_value
),
all_metrics as (
    select lm.employee_id, lm.month, 'goal_attainment' as metric_id, g.goal_attainment_pct as raw_value
    from leader_months as lm inner join goal_attainment as g
        on g.employee_id = lm.employee_id and g.month = lm.month
    union all select lm.employee_id, lm.month, 'revenue_attainment', 100 * r.revenue / r.revenue_target
    from leader_months as lm inner join team_revenue as r
        on r.employee_id = lm.employee_id and r.month = lm.month
    where r.revenue_target > 0
    union all select employee_id, month, 'team_growth', raw_value from team_growth
    union all select lm.employee_id, lm.month, 'team_satisfaction',
        arg_max(s.team_satisfaction, s.survey_quarter)
    from leader_months as lm inner join surveys as s on s.leader_employee_id = lm.employee_id
        and s.survey_quarter > lm.lookback_start and s.survey_quarter <= lm.month_end
    group by lm.employee_id, lm.month
    union all select lm.employee_id, lm.month, 'feedback_completion',
        100 * f.feedback_completed / f.feedback_requested
    from leader_months as lm inner join feedback as f
        on f.leader_employee_id = lm.employee_id and f.month = lm.month
    where f.feedback_requested > 0
    union all select lm.employee_id, lm.month, 'training_completion',
        100 * avg(case when t.completed_on <= t.due_date then 1 else 0 end)
    from leader_months as lm inner join trainings as t on t.employee_id = lm.employee_id and t.is_required
        and t.due_date between lm.month - interval 2 month and lm.observed_through
    group by lm.employee_id, lm.month
    union all select p.employee_id, p.month, 'mentoring_attendance',
        100 * coalesce(c.completed, 0) / p.planned
    from mentoring_planned as p
    left join mentoring_completed as c on c.employee_id = p.employee_id and c.month = p.month
    where p.planned > 0
    union all select employee_id, month, metric_id, raw_value from strategic
)
select employee_id, month, metric_id, cast(raw_value as double) as raw_value from all_metrics
where raw_value is not null;

-- Scored 0-100 against floor and target, weighted in the category over the metrics present; then per
-- leader-month the category scores, the composite (complete scorecards only) and its band.
create or replace temp table scorecards as
with scored as (
    select ms.employee_id, ms.month, m.category, c.weight as category_weight,
        100 * greatest(0, least(1, (ms.raw_value - m.floor) / (m.target - m.floor)))
            * m.weight_in_category
            / sum(m.weight_in_category) over (partition by ms.employee_id, ms.month, m.category) as points
    from measured as ms inner join config.scorecard_metrics as m on m.metric_id = ms.metric_id
    inner join config.scorecard_categories as c on c.category = m.category
    inner join employees as e on e.employee_id = ms.employee_id
    left join departments as d on d.department_id = e.department_id
    where m.applies_to = 'all'
        or (m.applies_to = 'revenue_generating' and coalesce(d.is_revenue_generating, false))
),
categories as (
    select employee_id, month, category, any_value(category_weight) as weight, sum(points) as score,
        count(*) as metrics
    from scored group by all
),
per_month as (
    select employee_id, month,
        max(score) filter (where category = 'performance') as performance_score,
        max(score) filter (where category = 'engagement') as engagement_score,
        max(score) filter (where category = 'development') as development_score,
        max(score) filter (where category = 'strategic_impact') as strategic_impact_score,
        sum(weight * score) as weighted_sum, count(*) as categories_present, sum(metrics) as metrics_present
    from categories group by all
),
composed as (
    select lm.employee_id, lm.month, p.* exclude (employee_id, month, categories_present, metrics_present),
        coalesce(p.categories_present, 0) = (select count(*) from config.scorecard_categories) as is_complete,
        coalesce(p.categories_present, 0) as categories_present,
        coalesce(p.metrics_present, 0) as metrics_present,
        lm.leadership_level, lm.department_id, lm.region, lm.is_provisional
    from leader_months as lm left join per_month as p on p.employee_id = lm.employee_id and p.month = lm.month
),
rounded as (
    select composed.* exclude (weighted_sum),
        case when is_complete then weighted_sum end as composite_score,
        case when is_complete then round(cast(weighted_sum as decimal(18, 6)), 1) end as composite_rounded
    from composed
)
select r.*, case when r.is_complete then b.band else 'insufficient_data' end as band
from rounded as r
left join config.score_bands as b
    on r.composite_rounded >= coalesce(b.min_composite, '-infinity'::double)
    and r.composite_rounded < coalesce(b.max_composite, 'infinity'::double);

-- With the change against the previous month, the trend slope and the configuration's version.
create or replace table bench_ref.leader_scorecards as
with trend as (
    select cur.employee_id, cur.month,
        case when count(past.composite_score) >= 2
            then regr_slope(past.composite_score, datediff('month', date '2000-01-01', past.month))
        end as slope
    from scorecards as cur
    cross join params
    inner join scorecards as past on past.employee_id = cur.employee_id
        and past.month between cur.month - to_months(params.trend_months - 1) and cur.month
    group by cur.employee_id, cur.month
),
config_version as (
    select 'cfg-' || left(md5(string_agg(row_text, '|' order by row_text)), 12) as config_version
    from (
        select 'category:' || category || ':' || weight as row_text from config.scorecard_categories
        union all
        select concat_ws(':', 'metric', metric_id, category, weight_in_category, floor, target, applies_to)
        from config.scorecard_metrics
        union all select concat_ws(':', 'band', band, min_composite, max_composite) from config.score_bands
    )
)
select s.employee_id, s.month, s.performance_score, s.engagement_score, s.development_score,
    s.strategic_impact_score, s.composite_score, s.composite_rounded, s.band, s.is_complete,
    case when lag(s.month) over w = s.month - interval 1 month
        then s.composite_score - lag(s.composite_score) over w end as composite_change,
    t.slope as trend_slope_3m, v.config_version, s.categories_present, s.metrics_present,
    s.leadership_level, l.level_name, s.department_id, s.region, s.is_provisional
from scorecards as s inner join trend as t on t.employee_id = s.employee_id and t.month = s.month
left join config.leadership_levels as l on l.leadership_level = s.leadership_level
cross join config_version as v
window w as (partition by s.employee_id order by s.month);

-- Succession coverage (SPEC sections 4 and 7): critical positions of the as-of quarter; incumbents
-- and successors count only while active (hired on or before, not terminated on or before, as-of).
-- No positions when positions are not tracked; successor figures null when nominations are not.
create or replace temp table active_people as
select e.employee_id, e.region
from employees as e, (select any_value(as_of_date) as as_of_date from calendar) as c
where e.hire_date <= c.as_of_date and (e.termination_date is null or e.termination_date > c.as_of_date);

create or replace table bench_ref.succession_coverage as
with critical as (
    select cast(date_trunc('quarter', c.as_of_date) as date) as quarter, p.position_id, p.department_id,
        coalesce(inc.region, head.region, sponsor.region) as region, p.leadership_level,
        p.incumbent_employee_id as listed_incumbent, inc.employee_id as incumbent_employee_id, p.title,
        inc.employee_id is null as is_vacant, c.as_of_date,
        case when inc.region is not null then 'incumbent' when head.region is not null then 'department_head'
            when sponsor.region is not null then 'executive_sponsor' end as region_source
    from positions as p
    cross join (select any_value(as_of_date) as as_of_date from calendar) as c
    left join active_people as inc on inc.employee_id = p.incumbent_employee_id
    left join departments as d on d.department_id = p.department_id
    left join active_people as head on head.employee_id = d.head_employee_id
    left join active_people as sponsor on sponsor.employee_id = d.executive_sponsor_id
    where p.is_critical and tracked('hris', 'positions')
),
slates as (
    select n.position_id,
        count(distinct n.candidate_employee_id) filter (where n.readiness = 'ready_now') as ready_now,
        count(distinct n.candidate_employee_id) as total,
        count(distinct n.candidate_employee_id) filter (where n.is_emergency_successor) as emergency
    from nominations as n inner join critical as p on p.position_id = n.position_id
    inner join active_people as a on a.employee_id = n.candidate_employee_id
    where n.candidate_employee_id is distinct from p.listed_incumbent
    group by n.position_id
),
known as (  -- with nominations untracked a position's slate is unknown, not empty
    select p.*, case when tracked('hris', 'succession_nominations') then coalesce(s.ready_now, 0) end
            as ready_now,
        case when tracked('hris', 'succession_nominations') then coalesce(s.total, 0) end as total,
        case when tracked('hris', 'succession_nominations') then coalesce(s.emergency, 0) end as emergency
    from critical as p left join slates as s on s.position_id = p.position_id
)
select quarter, position_id, department_id, region, leadership_level, incumbent_employee_id,
    ready_now as ready_now_successors, total as total_successors,
    ready_now > 0 as has_ready_now_successor, emergency > 0 as has_emergency_successor,
    emergency as emergency_successors, title, is_vacant, region_source, as_of_date
from known;

-- KPI observations (SPEC section 4): one row per thing counted, with its period and cut attributes.
-- A person is cut by the department, region and level of the period's person-month, else current.
create or replace temp table observations as
with as_of as (select any_value(as_of_date) as as_of_date from calendar),
cohort as (
    select employee_id, cast(date_trunc('quarter', assessed_on) as date) as quarter_start,
        min(assessed_on) as assessed_on
    from readiness where assessed_ready group by all
),
milestones_judged as (  -- a leaver's milestones are judged as of the termination date
    select m.employee_id, m.due_date,
        case
            when m.completed_on is not null and m.completed_on <= m.due_date then 'completed_on_time'
            when m.completed_on is not null then 'completed_late'
            when m.due_date < least(a.as_of_date, coalesce(e.termination_date, a.as_of_date)) then 'missed'
            else 'open'
        end as status
    from milestones as m cross join as_of as a
    left join employees as e on e.employee_id = m.employee_id
),
mentoring as (  -- assignment-months active or with sessions
    select coalesce(am.assignment_id, sm.assignment_id) as assignment_id,
        coalesce(am.month, sm.month) as month,
        coalesce(am.planned, 0) as planned, coalesce(sm.completed, 0) as completed
    from (
        select a.assignment_id, c.month_start as month, a.planned_sessions_per_month as planned
        from assignments as a inner join calendar as c on a.start_date <= c.observed_through
            and (a.end_date is null or a.end_date >= c.month_start)
    ) as am
    full outer join (
        select assignment_id, cast(date_trunc('month', scheduled_on) as date) as month,
            count(*) filter (where status = 'completed') as completed
        from sessions group by all
    ) as sm on sm.assignment_id = am.assignment_id and sm.month = am.month
),
first_ready as (  -- the first ready call for the level since the previous promotion
    select p.employee_id, p.effective_date, p.to_level,
        min(r.assessed_on) filter (where p.previous_date is null or r.assessed_on > p.previous_date)
            as first_on
    from (
        select *, lag(effective_date) over (partition by employee_id order by effective_date) as previous_date
        from promotions
    ) as p
    inner join readiness as r on r.employee_id = p.employee_id and r.assessed_ready
        and r.target_level >= p.to_level and r.assessed_on <= p.effective_date
    group by all
),
personal as (
    select 'promotion_readiness_accuracy' as kpi_id, c.quarter_start as period_start, c.employee_id,
        date_trunc('month', c.assessed_on) as attr_month,
        case when exists (
            select 1 from promotions as pr
            where pr.employee_id = c.employee_id and pr.to_level > pr.from_level
                and pr.effective_date > c.assessed_on
                and pr.effective_date <= c.assessed_on + to_months(params.window_months)
        ) then 1.0 else 0.0 end as numerator, 1.0 as denominator
    from cohort as c, as_of, params
    where c.quarter_start + interval 3 month + to_months(params.window_months)
        <= as_of.as_of_date + interval 1 day
    union all select 'development_path_completion', cast(date_trunc('month', m.due_date) as date),
        m.employee_id, date_trunc('month', m.due_date),
        case when m.status = 'completed_on_time' then 1.0 else 0.0 end, 1.0
    from milestones_judged as m, as_of
    where m.status <> 'open' and m.due_date <= as_of.as_of_date
    union all select 'mentorship_engagement', m.month, a.mentee_employee_id, m.month, m.completed, m.planned
    from mentoring as m inner join calendar as c on c.month_start = m.month
    inner join assignments as a on a.assignment_id = m.assignment_id
),
coverage as (from bench_ref.succession_coverage)
select 'leadership_effectiveness_score' as kpi_id, month as period_start, department_id, region,
    leadership_level, composite_score as numerator, 1.0 as denominator, null::double as row_target
from bench_ref.leader_scorecards where is_complete
union all select 'early_warning_leaders', month, department_id, region, leadership_level,
    case when band = 'intervention' then 1.0 else 0.0 end, 1.0, null
from bench_ref.leader_scorecards where is_complete  -- an incomplete scorecard measured nobody
union all select o.kpi_id, o.period_start, coalesce(pm.department_id, e.department_id),
    coalesce(pm.region, e.region),
    coalesce(pm.leadership_level, e.leadership_level), o.numerator, o.denominator, null
from personal as o inner join employees as e on e.employee_id = o.employee_id
left join person_months as pm on pm.employee_id = o.employee_id and pm.month_start = o.attr_month
union all select 'time_to_promotion', cast(date_trunc('quarter', f.effective_date) as date),
    e.department_id, e.region,
    f.to_level, cast(datediff('day', f.first_on, f.effective_date) as double), 1.0,
    cast(l.time_to_promotion_standard_days as double)
from first_ready as f inner join employees as e on e.employee_id = f.employee_id
left join config.leadership_levels as l on l.leadership_level = f.to_level
where f.first_on is not null
union all select 'succession_coverage', quarter, department_id, region, leadership_level,
    case when has_ready_now_successor then 1.0 else 0.0 end, 1.0, null
from coverage
union all select 'successor_coverage_ratio', quarter, department_id, region, leadership_level,
    total_successors, 1.0, null
from coverage
union all select 'emergency_successor_coverage', quarter, department_id, region, leadership_level,
    case when has_emergency_successor then 1.0 else 0.0 end, 1.0, null
from coverage;

-- Each KPI per period for the organisation and cut by department, region and level, valued as its
-- definition says (mean, percentage or count) and compared with its target. Every configured KPI has
-- an organisation row for each period it reports, measured or not; status says not_tracked (it reads an
-- entity the organisation does not track: its observations are ignored), insufficient_data (nothing
-- measured: no observation, or nothing to divide by) or ok, and only ok rows carry a value and verdict.
create or replace table bench_ref.kpis as
with definitions as (
    select *, case cadence when 'monthly' then 'month' when 'quarterly' then 'quarter' else 'year' end
            as period_unit,
        case cadence when 'monthly' then 1 when 'quarterly' then 3 else 12 end as period_months
    from config.kpi_definitions
),
tracking as (  -- per KPI, the entities it reads that are not tracked (config.computed_inputs)
    select i.id as kpi_id,
        string_agg(i.system || '.' || i.entity, ', ' order by i.system, i.entity)
            filter (where not tracked(i.system, i.entity)) as untracked_inputs
    from config.computed_inputs as i where i.kind = 'kpi' group by i.id
),
-- the periods each KPI reports: those of its cadence the calendar touches; promotion readiness accuracy
-- only once its cohort window has closed, the succession KPIs only the as-of period (current snapshots)
reported as (
    select distinct kpi_id, period_start, 'organisation' as cut, 'all' as cut_value
    from (
        select d.kpi_id, cast(date_trunc(d.period_unit, c.month_start) as date) as period_start,
            d.period_months, c.as_of_date,
            cast(date_trunc(d.period_unit, c.as_of_date) as date) as as_of_start
        from definitions as d, calendar as c
    ), params as p
    where case
        when kpi_id = 'promotion_readiness_accuracy'
            then period_start + to_months(period_months + p.window_months) <= as_of_date + interval 1 day
        when kpi_id in ('succession_coverage', 'successor_coverage_ratio', 'emergency_successor_coverage')
            then period_start = as_of_start
        else true
    end
),
tracked_observations as (  -- in the period of the KPI's cadence
    select o.* replace (cast(date_trunc(d.period_unit, o.period_start) as date) as period_start)
    from observations as o inner join definitions as d on d.kpi_id = o.kpi_id
    left join tracking as t on t.kpi_id = o.kpi_id
    where t.untracked_inputs is null
),
aggregated as (
    select kpi_id, period_start,
        case when grouping(department_id) = 0 then 'department' when grouping(region) = 0 then 'region'
            when grouping(leadership_level) = 0 then 'level' else 'organisation' end as cut,
        case when grouping(department_id) = 0 then department_id when grouping(region) = 0 then region
            when grouping(leadership_level) = 0 then cast(leadership_level as varchar) else 'all'
        end as cut_value,
        sum(numerator) as numerator, sum(denominator) as denominator, count(*) as population,
        avg(row_target) as row_target
    from tracked_observations
    group by grouping sets ((kpi_id, period_start), (kpi_id, period_start, department_id),
        (kpi_id, period_start, region), (kpi_id, period_start, leadership_level))
),
measured_or_reported as (
    select coalesce(a.kpi_id, r.kpi_id) as kpi_id, coalesce(a.period_start, r.period_start) as period_start,
        coalesce(a.cut, r.cut) as cut, coalesce(a.cut_value, r.cut_value) as cut_value, a.numerator,
        a.denominator, coalesce(a.population, 0) as population, a.row_target
    from aggregated as a full outer join reported as r on r.kpi_id = a.kpi_id
        and r.period_start = a.period_start and r.cut = a.cut and r.cut_value = a.cut_value
),
valued as (
    select m.period_start, cast(m.period_start + to_months(d.period_months) - interval 1 day as date) as period_end,
        d.cadence, m.kpi_id, m.cut, m.cut_value,
        case d.aggregation
            when 'mean' then m.numerator / nullif(m.denominator, 0)
            when 'ratio_pct' then 100 * m.numerator / nullif(m.denominator, 0)
            when 'ratio' then m.numerator / nullif(m.denominator, 0)
            when 'count' then m.numerator
        end as measured,
        coalesce(d.target, m.row_target) as target, d.comparison, d.unit, m.numerator, m.denominator,
        m.population, t.untracked_inputs
    from measured_or_reported as m inner join definitions as d on d.kpi_id = m.kpi_id
    left join tracking as t on t.kpi_id = m.kpi_id
    where m.cut_value is not null
),
statused as (
    select *, case when untracked_inputs is not null then 'not_tracked'
            when population = 0 or measured is null then 'insufficient_data' else 'ok' end as status
    from valued
)
select period_start, period_end, period_end <= (select any_value(as_of_date) from calendar) as is_closed,
    cadence, kpi_id, cut, cut_value, case when status = 'ok' then measured end as value,
    target,
    case when status <> 'ok' or target is null then null when comparison = '>=' then round(measured, 9) >= target
        else round(measured, 9) <= target end as meets_target,
    unit, numerator, denominator, population, status, untracked_inputs
from statused;

-- The working tables go now rather than at disconnect, so a long-lived connection stays clean.
drop table temp.employees; drop table temp.departments; drop table temp.positions;
drop table temp.nominations; drop table temp.assignments; drop table temp.goal_attainment;
drop table temp.surveys; drop table temp.feedback; drop table temp.trainings; drop table temp.milestones;
drop table temp.sessions; drop table temp.ratings; drop table temp.readiness; drop table temp.promotions;
drop table temp.team_revenue; drop table temp.params; drop table temp.calendar; drop table temp.person_months;
drop table temp.leader_months; drop table temp.measured; drop table temp.scorecards;
drop table temp.active_people; drop table temp.observations; drop macro table temp.event_rows;
drop macro table temp.snapshot_rows; drop macro table temp.good_rows; drop macro temp.tracked;
