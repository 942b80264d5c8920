-- One row per mentor assignment per reporting month (grain: assignment x month) in which the
-- assignment was active on at least one observed day, or had a session scheduled, through the
-- as-of month. planned_sessions = planned_sessions_per_month for every active month, not
-- pro-rated (as in SPEC's Mentorship Engagement KPI and the mentoring_attendance metric);
-- sessions count in the month they were scheduled for. When the organisation does not track
-- mentoring sessions, the session counts, completion_rate and feedback are null (unknown), not 0.
with assignments as (
    select * from {{ ref('stg_hris__mentor_assignments') }}
),

sessions as (
    select * from {{ ref('stg_hris__mentoring_sessions') }}
),

calendar as (
    select * from {{ ref('int_reporting_calendar') }}
),

tracking as (
    select {{ entity_tracked('hris', 'mentoring_sessions') }} as sessions_tracked
),

active_months as (
    select
        a.assignment_id,
        c.month_start as month,
        a.planned_sessions_per_month as planned_sessions
    from assignments as a
    inner join calendar as c
        on a.start_date <= c.observed_through
        and (a.end_date is null or a.end_date >= c.month_start)
),

session_months as (
    select
        assignment_id,
        cast(date_trunc('month', scheduled_on) as date) as month,
        count(*) filter (where status = 'completed') as completed_sessions,
        count(*) filter (where status = 'missed') as missed_sessions,
        count(*) filter (where status = 'cancelled') as cancelled_sessions,
        count(*) filter (where status = 'scheduled') as scheduled_sessions,
        avg(mentee_feedback) as avg_feedback,
        count(mentee_feedback) as feedback_responses
    from sessions
    group by assignment_id, cast(date_trunc('month', scheduled_on) as date)
),

spine as (
    select
        coalesce(am.assignment_id, sm.assignment_id) as assignment_id,
        coalesce(am.month, sm.month) as month,
        am.assignment_id is not null as is_active_month,
        coalesce(am.planned_sessions, 0) as planned_sessions,
        coalesce(sm.completed_sessions, 0) as completed_sessions,
        coalesce(sm.missed_sessions, 0) as missed_sessions,
        coalesce(sm.cancelled_sessions, 0) as cancelled_sessions,
        coalesce(sm.scheduled_sessions, 0) as scheduled_sessions,
        sm.avg_feedback,
        coalesce(sm.feedback_responses, 0) as feedback_responses
    from active_months as am
    full outer join session_months as sm
        on sm.assignment_id = am.assignment_id and sm.month = am.month
),

final as (
    select
        s.assignment_id,
        s.month,
        a.mentor_employee_id,
        a.mentee_employee_id,
        s.planned_sessions,
        case when t.sessions_tracked then s.completed_sessions end as completed_sessions,
        case when t.sessions_tracked then s.missed_sessions end as missed_sessions,
        case when t.sessions_tracked then s.cancelled_sessions end as cancelled_sessions,
        case when t.sessions_tracked then s.scheduled_sessions end as scheduled_sessions,
        case when t.sessions_tracked then s.completed_sessions / nullif(s.planned_sessions, 0) end
            as completion_rate,
        s.avg_feedback,
        case when t.sessions_tracked then s.feedback_responses end as feedback_responses,
        s.is_active_month,
        c.is_provisional
    from spine as s
    cross join tracking as t
    inner join calendar as c on c.month_start = s.month
    inner join assignments as a on a.assignment_id = s.assignment_id
)

select * from final
