-- Alerts and reminders (SPEC sections 9, 11). Grain: alert. alert_key = rule:subject:period
-- (:reference when the rule is about one milestone, session or position) is stable across runs,
-- so each alert is delivered once per recipient however often the pipeline runs. Severity, title
-- and next step come from the alert_rules seed; message is the sentence with the figures.
with raised as (
    select * from {{ ref('int_alerts_raised') }}
),

rules as (
    select rule_id, severity, title, next_step from {{ source('config', 'alert_rules') }}
),

people as (
    select employee_id, full_name, department_id from {{ ref('stg_hris__employees') }}
)

select
    r.rule_id
    || ':' || coalesce(r.subject_employee_id, '-')
    || ':' || {{ format_datetime('r.period', '%Y-%m-%d') }}
    || coalesce(':' || r.reference_id, '') as alert_key,
    r.rule_id,
    rules.severity,
    r.subject_employee_id,
    r.period,
    r.detail as message,
    rules.title,
    subject.full_name as subject_name,
    subject.department_id,
    r.reference_id,
    r.metric_value,
    r.threshold,
    r.trend,
    rules.next_step,
    r.due_at,
    r.counterpart_employee_id,
    cast(r.as_of_at as {{ naive_timestamp_type() }}) as raised_as_of
from raised as r
inner join rules on rules.rule_id = r.rule_id
left join people as subject on subject.employee_id = r.subject_employee_id
