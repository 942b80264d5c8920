-- Hand-written reference for `lpss bench`: the scorecard, succession coverage and KPIs (SPEC sections
-- 3, 4, 7 and 11) in one DuckDB script straight from raw.* and config.*, with no dbt and no Jinja, so
-- the dbt build can be timed against the same work written by hand. Results: bench_ref.leader_scorecards,
-- bench_ref.succession_coverage and bench_ref.kpis, with the columns and numbers of marts.fct_*.
-- This file stages the raw tables and builds the calendar and person-months; reference.sql computes
-- the outputs. Working tables are temporary (dropped at its end) and never mix with the warehouse's layers.
-- (create or replace schema refuses a schema holding tables, so a rerun drops the old results first)
drop schema if exists bench_ref cascade;
create schema bench_ref;

-- Staging (SPEC section 2): quarantined batches never count; a snapshot entity is its latest good
-- batch; for an event entity the row of the latest batch wins per natural key (then the file's last).
-- A macro argument is substituted as written, so `key` is an expression over the entity's columns.
create or replace temp macro good_rows(sys, entity) as table
    select * from query_table('raw.' || sys || '__' || entity)
    where _batch_id not in (select batch_id from ops.quarantined_batches where system = sys);
create or replace temp macro snapshot_rows(entity) as table
    select * from good_rows('hris', entity)
    where _batch_id = (select max(_batch_id) from good_rows('hris', entity));
create or replace temp macro event_rows(sys, entity, key) as table
    select * from good_rows(sys, entity)
    qualify row_number() over (partition by key order by _batch_id desc, _source_row desc) = 1;

-- Whether the organisation tracks an export entity (config.tracked_entities): true unless a row says
-- tracked = false. What is computed from an untracked entity is unknown, never 0 (SPEC section 1).
create or replace temp macro tracked(sys, ent) as coalesce((
    select bool_and(tracked) from config.tracked_entities where system = sys and entity = ent
), true);

create or replace temp table employees as
select *, lower(trim(email)) as email_normalized from snapshot_rows('employees');
create or replace temp table departments as from snapshot_rows('departments');
create or replace temp table positions as from snapshot_rows('positions');
create or replace temp table nominations as from snapshot_rows('succession_nominations');
create or replace temp table assignments as from snapshot_rows('mentor_assignments');
create or replace temp table goal_attainment as
from event_rows('hris', 'goal_attainment', row(employee_id, month));
create or replace temp table surveys as
from event_rows('hris', 'engagement_surveys', row(leader_employee_id, survey_quarter));
create or replace temp table feedback as
from event_rows('hris', 'one_on_one_feedback', row(leader_employee_id, month));
create or replace temp table trainings as
from event_rows('hris', 'trainings', row(employee_id, course_id, assigned_on));
create or replace temp table milestones as from event_rows('hris', 'idp_milestones', milestone_id);
create or replace temp table sessions as
select *, cast(timezone('UTC', scheduled_at) as date) as scheduled_on
from event_rows('hris', 'mentoring_sessions', session_id);
create or replace temp table ratings as
from event_rows('hris', 'strategic_impact_ratings', row(leader_employee_id, quarter));
create or replace temp table readiness as
from event_rows('hris', 'readiness_assessments', row(employee_id, assessed_on));
create or replace temp table promotions as
from event_rows('hris', 'promotions', row(employee_id, effective_date));

-- CRM knows people by e-mail: matched case-insensitively, trimmed; two spellings of one owner add up.
create or replace temp table team_revenue as
select e.employee_id, crm.month, sum(crm.revenue) as revenue, sum(crm.revenue_target) as revenue_target
from event_rows('crm', 'team_revenue', row(owner_email, month)) as crm
inner join employees as e on e.email_normalized = lower(trim(crm.owner_email))
group by all;

create or replace temp table params as
select
    cast(max(value) filter (where parameter = 'quarterly_lookback_months') as integer) as lookback_months,
    cast(max(value) filter (where parameter = 'trend_months') as integer) as trend_months,
    cast(max(value) filter (where parameter = 'promotion_window_months') as integer) as window_months
from config.lpss_parameters;

-- Reporting months: from the first monthly export to the as-of month (the latest HRIS batch's date).
create or replace temp table calendar as
with bounds as (
    select cast(strptime(max(_batch_id), '%Y-%m-%dT%H%M%SZ') as date) as as_of_date from employees
),
months as (
    select as_of_date, cast(unnest(generate_series(
        least((select min(month) from goal_attainment),
            (select min(month) from good_rows('hris', 'competency_assessments')),
            date_trunc('month', as_of_date)),
        date_trunc('month', as_of_date), interval 1 month)) as date) as month_start
    from bounds
)
select month_start, cast(last_day(month_start) as date) as month_end,
    least(cast(last_day(month_start) as date), as_of_date) as observed_through, as_of_date,
    as_of_date < last_day(month_start) as is_provisional
from months;

-- Person-months employed on the month's last observed day, at the level held that day: the to_level
-- of the latest promotion by then, else the from_level of the next one, else the current level.
create or replace temp table person_months as
with employed as (
    select e.employee_id, e.leadership_level as current_level, e.department_id, e.region, c.*
    from employees as e inner join calendar as c on e.hire_date <= c.observed_through
        and (e.termination_date is null or e.termination_date >= c.observed_through)
)
select employed.* exclude (current_level),
    coalesce(before.to_level, after.from_level, employed.current_level) as leadership_level
from employed
asof left join promotions as before
    on employed.employee_id = before.employee_id and employed.observed_through >= before.effective_date
asof left join promotions as after
    on employed.employee_id = after.employee_id and employed.observed_through < after.effective_date;

create or replace temp table leader_months as
select pm.*, pm.month_start as month, pm.month_end - to_months(p.lookback_months) as lookback_start
from person_months as pm, params as p
where pm.leadership_level >= 1;

