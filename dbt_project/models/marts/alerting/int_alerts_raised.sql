-- Every alert and reminder the rules raise as of the latest export (SPEC section 9). Grain: rule x
-- subject x period x reference (the milestone, session or position concerned). The as-of time is
-- the latest HRIS export's; nothing here reads the wall clock, so a rerun raises the same alerts.
-- Scorecard rules read the latest complete (not provisional) month; event rules the events of the
-- alert_lookback_days up to the as-of date, so a first run does not replay years of history;
-- succession gaps the as-of quarter; reminders look ahead from the as-of time. A rule computed from
-- an untracked entity (config.computed_inputs x config.tracked_entities) raises nothing.
with parameters as (
    select
        max(cast(value as integer)) filter (where parameter = 'alert_lookback_days') as lookback_days,
        max(cast(value as integer)) filter (where parameter = 'reminder_session_hours') as session_hours,
        max(cast(value as integer)) filter (where parameter = 'reminder_milestone_days') as milestone_days,
        max(cast(value as integer)) filter (where parameter = 'reminder_feedback_day') as feedback_day
    from {{ source('config', 'lpss_parameters') }}
),

as_of as (
    select
        cast({{ parse_timestamp('max(source_batch_id)', '%Y-%m-%dT%H%M%SZ') }} as timestamp) as as_of_at,
        cast({{ parse_timestamp('max(source_batch_id)', '%Y-%m-%dT%H%M%SZ') }} as date) as as_of_date
    from {{ ref('stg_hris__employees') }}
),

window_start as (
    select cast({{ dbt.dateadd('day', '-p.lookback_days', 'as_of.as_of_date') }} as date) as first_day
    from as_of cross join parameters as p
),

categories as (
    select category, display_order from {{ source('config', 'scorecard_categories') }}
),

-- Each configured category's metrics and the export entities they read, for missing-data messages:
-- "engagement (team_satisfaction from hris.engagement_surveys)".
category_inputs as (
    select
        m.category,
        {{ dbt.listagg("m.metric_id || coalesce(' from ' || i.entities, '')", "', '", 'order by m.metric_id') }} as inputs
    from {{ source('config', 'scorecard_metrics') }} as m
    left join (
        select id as metric_id, replace(inputs, ', ', ' + ') as entities
        from {{ ref('int_computed_items_tracked') }}
        where kind = 'metric'
    ) as i on i.metric_id = m.metric_id
    group by m.category
),

intervention_threshold as (
    select cast(max_composite as double) as threshold from {{ source('config', 'score_bands') }} where band = 'intervention'
),

alert_month as (
    select max(month) as month from {{ ref('fct_leader_scorecards') }} where not is_provisional
),

scorecards as (
    select s.*
    from {{ ref('fct_leader_scorecards') }} as s
    inner join alert_month as m on m.month = s.month
),

-- Incomplete scorecards of the alert month: the configured categories without any input, by name.
incomplete as (
    select
        s.employee_id,
        s.month,
        s.categories_present,
        count(*) as categories_total,
        {{ dbt.listagg(
            "case when (c.category = 'performance' and s.performance_score is null)
                or (c.category = 'engagement' and s.engagement_score is null)
                or (c.category = 'development' and s.development_score is null)
                or (c.category = 'strategic_impact' and s.strategic_impact_score is null)
            then c.category || coalesce(' (' || ci.inputs || ')', '') end",
            "'; '",
            'order by c.display_order, c.category',
        ) }} as missing
    from scorecards as s
    cross join categories as c
    left join category_inputs as ci on ci.category = c.category
    where not s.is_complete
    group by s.employee_id, s.month, s.categories_present
),

readiness as (
    select r.*
    from {{ ref('fct_promotion_readiness') }} as r
    inner join alert_month as m on m.month = r.month
),

sessions as (
    select s.session_id, s.scheduled_at, s.scheduled_on, s.status, a.mentee_employee_id, a.mentor_employee_id
    from {{ ref('stg_hris__mentoring_sessions') }} as s
    inner join {{ ref('stg_hris__mentor_assignments') }} as a on a.assignment_id = s.assignment_id
),

raised as (
    select
        'intervention' as rule_id, s.employee_id as subject_employee_id, s.month as period,
        cast(null as {{ dbt.type_string() }}) as reference_id, s.composite_score as metric_value, t.threshold,
        s.trend_slope_3m as trend, cast(null as timestamp) as due_at,
        cast(null as {{ dbt.type_string() }}) as counterpart_employee_id,
        'Composite ' || {{ format_decimal('s.composite_score', 1) }} || ' in ' || {{ format_datetime('s.month', '%B %Y') }}
            || ' is below the intervention threshold of ' || {{ format_decimal('t.threshold', 0) }} || '.' as detail
    from scorecards as s
    cross join intervention_threshold as t
    where s.is_complete and s.band = 'intervention'

    union all
    select
        'high_risk', r.employee_id, r.month, null, r.composite_score, t.threshold, r.trend_slope_3m, null, null,
        'Composite ' || {{ format_decimal('r.composite_score', 1) }} || ' in ' || {{ format_datetime('r.month', '%B %Y') }}
            || ' is in the intervention band and falling (' || {{ format_decimal('r.trend_slope_3m', 1) }} || ' points a month).'
    from readiness as r
    cross join intervention_threshold as t
    where r.is_high_risk

    union all
    select
        'stagnating', r.employee_id, r.month, null, r.composite_score, null, r.trend_slope_3m, null, null,
        'Needs development for ' || r.band_streak_months || ' months in a row up to '
            || {{ format_datetime('r.month', '%B %Y') }} || ' (composite ' || {{ format_decimal('r.composite_score', 1) }}
            || ', trend ' || {{ format_decimal('r.trend_slope_3m', 1) }} || ' a month).'
    from readiness as r
    where r.is_stagnating

    union all
    select
        'missing_data', i.employee_id, i.month, null, i.categories_present, i.categories_total, null, null, null,
        'The ' || {{ format_datetime('i.month', '%B %Y') }} || ' scorecard of ' || coalesce(e.full_name, i.employee_id)
            || ' is incomplete: no input for ' || i.missing || '. ' || i.categories_present || ' of '
            || i.categories_total || ' categories measured.'
    from incomplete as i
    left join {{ ref('stg_hris__employees') }} as e on e.employee_id = i.employee_id

    union all
    select
        'missed_milestone', m.employee_id, m.due_date, m.milestone_id, m.consecutive_missed, null, null,
        cast(m.due_date as timestamp), null,
        'Milestone "' || m.title || '" was due on ' || {{ format_datetime('m.due_date', '%Y-%m-%d') }}
            || ' and is not completed.'
    from {{ ref('fct_idp_milestones') }} as m
    cross join window_start as w
    cross join as_of
    where m.is_miss and m.due_date >= w.first_day and m.due_date < as_of.as_of_date

    union all
    select
        'intervention_program', i.employee_id, i.entered_on, i.intervention_id, null, null, null, null, null,
        'Entered the development intervention program on ' || {{ format_datetime('i.entered_on', '%Y-%m-%d') }}
            || ': ' || i.reason || '.'
    from {{ ref('fct_development_interventions') }} as i
    cross join window_start as w
    cross join as_of
    where i.entered_on >= w.first_day and i.entered_on <= as_of.as_of_date

    union all
    select
        'missed_mentoring', s.mentee_employee_id, s.scheduled_on, s.session_id, null, null, null, s.scheduled_at,
        s.mentor_employee_id,
        'The mentoring session of ' || {{ format_datetime('s.scheduled_at', '%Y-%m-%d %H:%M UTC') }} || ' was missed.'
    from sessions as s
    cross join window_start as w
    cross join as_of
    where s.status = 'missed' and s.scheduled_on >= w.first_day and s.scheduled_on <= as_of.as_of_date

    union all
    select
        'succession_gap', c.incumbent_employee_id, c.quarter, c.position_id, c.total_successors, 1, null, null, null,
        'Critical position ' || c.title || ' (' || c.position_id || ') has no ready-now successor ('
            || c.total_successors || ' nominated).'
    from {{ ref('fct_succession_coverage') }} as c
    where not c.has_ready_now_successor

    union all
    select
        'reminder_mentoring_session', s.mentee_employee_id, s.scheduled_on, s.session_id, null, null, null,
        s.scheduled_at, s.mentor_employee_id,
        'Mentoring session on ' || {{ format_datetime('s.scheduled_at', '%Y-%m-%d %H:%M UTC') }} || '.'
    from sessions as s
    cross join as_of
    cross join parameters as p
    where s.status = 'scheduled'
        and s.scheduled_at > as_of.as_of_at
        and s.scheduled_at <= {{ dbt.dateadd('hour', 'p.session_hours', 'as_of.as_of_at') }}

    union all
    select
        'reminder_milestone_due', m.employee_id, m.due_date, m.milestone_id, null, null, null,
        cast(m.due_date as timestamp), null,
        'Milestone "' || m.title || '" is due on ' || {{ format_datetime('m.due_date', '%Y-%m-%d') }} || '.'
    from {{ ref('stg_hris__idp_milestones') }} as m
    cross join as_of
    cross join parameters as p
    where m.completed_on is null
        and m.due_date >= as_of.as_of_date
        and m.due_date <= {{ dbt.dateadd('day', 'p.milestone_days', 'as_of.as_of_date') }}

    union all
    select
        'reminder_feedback_collection', f.leader_employee_id, f.month, null,
        cast(100 as double) * f.feedback_completed / f.feedback_requested, 100, null, null, null,
        f.feedback_completed || ' of ' || f.feedback_requested || ' feedback forms completed this month.'
    from {{ ref('stg_hris__one_on_one_feedback') }} as f
    cross join as_of
    cross join parameters as p
    where f.month = date_trunc('month', as_of.as_of_date)
        and day(as_of.as_of_date) > p.feedback_day
        and f.feedback_completed < f.feedback_requested
),

-- A rule computed from an entity the organisation does not track raises nothing: its data may be
-- absent from every batch, and an absence is not an event (int_computed_items_tracked).
rules_not_tracked as (
    select id as rule_id from {{ ref('int_computed_items_tracked') }}
    where kind = 'alert_rule' and not is_tracked
)

select raised.*, as_of.as_of_at
from raised
cross join as_of
where raised.rule_id not in (select rule_id from rules_not_tracked)
