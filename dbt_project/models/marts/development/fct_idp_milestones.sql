-- One row per IDP milestone with its status as of the as-of date and the run of misses it ends.
-- A milestone is judged as of the as-of date, or as of the person's termination date if they
-- left earlier (a milestone not yet due when someone left stays open, it is never missed).
-- Misses (status missed or completed_late: both were not on schedule at their due date) form
-- runs per person in due-date order (then milestone_id); only an on-time completion breaks a run.
with milestones as (
    select * from {{ ref('stg_hris__idp_milestones') }}
),

employees as (
    select employee_id, termination_date from {{ ref('stg_hris__employees') }}
),

as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

evaluated as (
    select
        m.milestone_id,
        m.employee_id,
        m.milestone_type,
        m.title,
        m.competency_id,
        m.due_date,
        m.completed_on,
        a.as_of_date,
        least(a.as_of_date, coalesce(e.termination_date, a.as_of_date)) as evaluated_as_of
    from milestones as m
    cross join as_of as a
    left join employees as e on e.employee_id = m.employee_id
),

statused as (
    select
        *,
        case
            when completed_on is not null and completed_on <= due_date then 'completed_on_time'
            when completed_on is not null then 'completed_late'
            when due_date < evaluated_as_of then 'missed'
            else 'open'
        end as status
    from evaluated
),

flagged as (
    select
        *,
        status in ('missed', 'completed_late') as is_miss,
        status = 'completed_on_time' as is_on_time
    from statused
),

runs as (
    select
        *,
        -- on-time completions so far (inclusive), in due order: misses sharing it form one run
        cast(sum(case when is_on_time then 1 else 0 end) over (
            partition by employee_id
            order by due_date, milestone_id
            rows between unbounded preceding and current row
        ) as integer) as run_number
    from flagged
),

final as (
    select
        milestone_id,
        employee_id,
        milestone_type,
        title,
        competency_id,
        due_date,
        completed_on,
        status,
        cast(case
            when is_miss then sum(case when is_miss then 1 else 0 end) over (
                partition by employee_id, run_number
                order by due_date, milestone_id
                rows between unbounded preceding and current row
            )
            else 0
        end as integer) as consecutive_missed,
        is_miss,
        case when is_miss then cast({{ dbt.dateadd('day', 1, 'due_date') }} as date) end as missed_on,
        cast(case
            when status = 'completed_late' then {{ dbt.datediff('due_date', 'completed_on', 'day') }}
            when status = 'missed' then {{ dbt.datediff('due_date', 'evaluated_as_of', 'day') }}
        end as bigint) as days_late,
        run_number,
        evaluated_as_of,
        as_of_date
    from runs
)

select * from final
