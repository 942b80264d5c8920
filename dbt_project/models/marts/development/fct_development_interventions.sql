-- One row per entry of a person into the development intervention program (SPEC section 6): the
-- run of misses reaching consecutive_missed_milestones (lpss_parameters) is the entry; the same
-- run going on (a third miss, ...) is not a new entry. The entry closes at the next on-time
-- completion after the trigger in due order (the milestone that breaks the run, after which a new
-- run can re-enter the person) or when the person leaves.
with milestones as (
    select * from {{ ref('fct_idp_milestones') }}
),

employees as (
    select employee_id, termination_date, is_active from {{ ref('int_employees_current') }}
),

threshold as (
    select cast(value as integer) as missed_in_a_row
    from {{ source('config', 'lpss_parameters') }}
    where parameter = 'consecutive_missed_milestones'
),

entries as (
    select
        m.employee_id,
        m.milestone_id as trigger_milestone_id,
        m.run_number,
        m.missed_on as entered_on,
        t.missed_in_a_row
    from milestones as m
    inner join threshold as t on m.consecutive_missed = t.missed_in_a_row
),

run_members as (
    select
        e.employee_id,
        e.trigger_milestone_id,
        min(m.milestone_id) filter (where m.consecutive_missed = 1) as first_missed_milestone_id,
        {{ dbt.listagg('m.milestone_id', "','", 'order by m.due_date, m.milestone_id') }} as triggering_milestone_ids,
        -- the milestone as people know it: its title (the id only when it has none)
        {{ dbt.listagg(
            "coalesce(nullif(trim(m.title), ''), m.milestone_id) || ' due ' || "
                ~ format_datetime('m.due_date', '%Y-%m-%d') ~ " || ' (' || replace(m.status, '_', ' ') || ')'",
            "'; '",
            'order by m.due_date, m.milestone_id',
        ) }} as run_detail
    from entries as e
    inner join milestones as m
        on m.employee_id = e.employee_id
        and m.run_number = e.run_number
        and m.is_miss
        and m.consecutive_missed <= e.missed_in_a_row
    group by e.employee_id, e.trigger_milestone_id
),

-- the on-time milestone that breaks run k is the only on-time milestone with run_number k + 1
breakers as (
    select employee_id, run_number - 1 as broken_run_number, milestone_id, completed_on
    from milestones
    where status = 'completed_on_time'
),

final as (
    select
        e.employee_id || '-' || e.trigger_milestone_id as intervention_id,
        e.employee_id,
        cast(row_number() over (partition by e.employee_id order by e.entered_on, e.trigger_milestone_id)
            as bigint) as entry_number,
        e.entered_on,
        e.missed_in_a_row || ' IDP milestones in a row not completed on schedule: ' || r.run_detail
            as reason,
        r.first_missed_milestone_id,
        e.trigger_milestone_id,
        r.triggering_milestone_ids,
        b.milestone_id as exit_milestone_id,
        case
            when b.milestone_id is not null then greatest(b.completed_on, e.entered_on)
            when not emp.is_active then emp.termination_date
        end as exited_on,
        case
            when b.milestone_id is not null then 'on_time_completion'
            when not emp.is_active then 'left_company'
        end as exit_reason,
        b.milestone_id is null and coalesce(emp.is_active, false) as is_active
    from entries as e
    inner join run_members as r
        on r.employee_id = e.employee_id and r.trigger_milestone_id = e.trigger_milestone_id
    left join breakers as b
        on b.employee_id = e.employee_id and b.broken_run_number = e.run_number
    left join employees as emp on emp.employee_id = e.employee_id
)

select * from final
