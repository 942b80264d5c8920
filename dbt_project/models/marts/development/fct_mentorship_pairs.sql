-- One row per mentor assignment (grain: assignment): sessions planned, completed and missed and
-- mean mentee feedback over the closed months of fct_mentorship_engagement (the provisional
-- as-of month is left out, its sessions are still to come), and an engagement score 0-100:
-- the weighted mean of attendance (100 * min(completed / planned, 1)) and feedback
-- (100 * (avg_feedback - 1) / 4), weights mentorship_attendance_weight_pct and
-- mentorship_feedback_weight_pct from lpss_parameters; a missing part is left out and the other
-- re-weighted; null when both are missing. When the organisation does not track mentoring sessions,
-- every session figure and the scores are null (unknown), not 0.
with assignments as (
    select * from {{ ref('stg_hris__mentor_assignments') }}
),

engagement as (
    select * from {{ ref('fct_mentorship_engagement') }}
),

active_assignments as (
    select assignment_id from {{ ref('int_mentor_assignments_active') }}
),

tracking as (
    select {{ entity_tracked('hris', 'mentoring_sessions') }} as sessions_tracked
),

weights as (
    select
        max(case when parameter = 'mentorship_attendance_weight_pct' then cast(value as double) end)
            as attendance_weight,
        max(case when parameter = 'mentorship_feedback_weight_pct' then cast(value as double) end)
            as feedback_weight
    from {{ source('config', 'lpss_parameters') }}
),

totals as (
    select
        assignment_id,
        count(*) filter (where is_active_month) as months_active,
        cast(sum(planned_sessions) as bigint) as planned_sessions,
        cast(sum(completed_sessions) as bigint) as completed_sessions,
        cast(sum(missed_sessions) as bigint) as missed_sessions,
        cast(sum(cancelled_sessions) as bigint) as cancelled_sessions,
        sum(avg_feedback * feedback_responses) / nullif(sum(feedback_responses), 0) as avg_feedback,
        cast(sum(feedback_responses) as bigint) as feedback_responses
    from engagement
    where not is_provisional
    group by assignment_id
),

scored as (
    select
        a.assignment_id,
        a.mentor_employee_id,
        a.mentee_employee_id,
        a.domain,
        a.start_date,
        a.end_date,
        a.planned_sessions_per_month,
        act.assignment_id is not null as is_active,
        coalesce(t.months_active, 0) as months_active,
        coalesce(t.planned_sessions, 0) as planned_sessions,
        case when tr.sessions_tracked then coalesce(t.completed_sessions, 0) end as completed_sessions,
        case when tr.sessions_tracked then coalesce(t.missed_sessions, 0) end as missed_sessions,
        case when tr.sessions_tracked then coalesce(t.cancelled_sessions, 0) end as cancelled_sessions,
        t.completed_sessions / nullif(t.planned_sessions, 0) as completion_rate,
        t.avg_feedback,
        case when tr.sessions_tracked then coalesce(t.feedback_responses, 0) end as feedback_responses,
        -- case, not least(): DuckDB's least() skips nulls, and no plan must give no attendance score
        case when t.planned_sessions > 0
            then 100 * least(t.completed_sessions / t.planned_sessions, 1)
        end as attendance_score,
        100 * (t.avg_feedback - 1) / 4 as feedback_score,
        w.attendance_weight,
        w.feedback_weight
    from assignments as a
    cross join weights as w
    cross join tracking as tr
    left join totals as t on t.assignment_id = a.assignment_id
    left join active_assignments as act on act.assignment_id = a.assignment_id
),

final as (
    select
        * except (attendance_weight, feedback_weight),
        (coalesce(attendance_weight * attendance_score, 0) + coalesce(feedback_weight * feedback_score, 0))
        / nullif(
            case when attendance_score is not null then attendance_weight else 0 end
            + case when feedback_score is not null then feedback_weight else 0 end,
            0
        ) as engagement_score
    from scored
)

select * from final
