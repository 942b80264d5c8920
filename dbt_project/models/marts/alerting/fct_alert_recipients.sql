-- Who receives each alert (SPEC sections 9, 11). Grain: alert x recipient. Routing comes from the
-- alert_routing seed: channel roles resolve to their Slack channel (alert_channels); user roles
-- to a person relative to the alert (the subject, their direct manager, the executive sponsor of
-- their department, their mentor), addressed by HRIS slack_user_id, else by e-mail (looked up in
-- Slack at delivery). A role that resolves to nobody (the CEO has no manager, a vacant position
-- no incumbent) goes to the HR channel with a note saying who could not be reached.
with alerts as (
    select alert_key, rule_id, subject_employee_id, department_id, counterpart_employee_id
    from {{ ref('fct_alerts') }}
),

routing as (
    select rule_id, recipient_kind, recipient_role from {{ source('config', 'alert_routing') }}
),

channels as (
    select channel_role, slack_channel from {{ source('config', 'alert_channels') }}
),

employees as (
    select employee_id, full_name, email, slack_user_id, manager_id from {{ ref('stg_hris__employees') }}
),

departments as (
    select department_id, executive_sponsor_id from {{ ref('stg_hris__departments') }}
),

users as (
    select
        a.alert_key,
        r.recipient_role,
        case r.recipient_role
            when 'subject' then a.subject_employee_id
            when 'direct_manager' then subject.manager_id
            when 'executive_sponsor' then d.executive_sponsor_id
            when 'mentor' then a.counterpart_employee_id
        end as recipient_employee_id
    from alerts as a
    inner join routing as r on r.rule_id = a.rule_id and r.recipient_kind = 'user'
    left join employees as subject on subject.employee_id = a.subject_employee_id
    left join departments as d on d.department_id = a.department_id
),

resolved_users as (
    select
        u.alert_key,
        u.recipient_role,
        u.recipient_employee_id,
        e.email as recipient_email,
        coalesce(e.slack_user_id, lower(trim(e.email))) as recipient
    from users as u
    left join employees as e on e.employee_id = u.recipient_employee_id
),

hr_channel as (
    select slack_channel from channels where channel_role = 'hr'
),

candidates as (
    select
        a.alert_key, 'channel' as recipient_kind, c.slack_channel as recipient, r.recipient_role,
        cast(null as {{ dbt.type_string() }}) as recipient_employee_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        cast(null as {{ dbt.type_string() }}) as note
    from alerts as a
    inner join routing as r on r.rule_id = a.rule_id and r.recipient_kind = 'channel'
    inner join channels as c on c.channel_role = r.recipient_role

    union all
    select alert_key, 'user', recipient, recipient_role, recipient_employee_id, recipient_email, null
    from resolved_users
    where recipient is not null

    union all
    select
        u.alert_key, 'channel', h.slack_channel, u.recipient_role, null, null,
        'No ' || replace(u.recipient_role, '_', ' ') || ' on record to send this to.'
    from resolved_users as u
    cross join hr_channel as h
    where u.recipient is null
)

-- one row per recipient: a fallback to the HR channel merges into its own HR delivery, notes joined
select
    alert_key,
    recipient_kind,
    recipient,
    {{ dbt.listagg('distinct recipient_role', "','", 'order by recipient_role') }} as recipient_roles,
    any_value(recipient_employee_id) as recipient_employee_id,
    any_value(recipient_email) as recipient_email,
    {{ dbt.listagg('note', "' '", 'order by note') }} as note
from candidates
group by alert_key, recipient_kind, recipient
