-- Figures computed from an entity the organisation may leave untracked are null exactly when it
-- does not track it: unknown reads as unknown, and a tracked entity always gives a figure.
with tracking as (
    select
        {{ entity_tracked('hris', 'readiness_assessments') }} as assessments,
        {{ entity_tracked('hris', 'mentoring_sessions') }} as sessions,
        {{ entity_tracked('hris', 'idp_milestones') }} as milestones
)

select 'fct_promotion_audit' as model, employee_id || ':' || effective_date as row_id
from {{ ref('fct_promotion_audit') }}
cross join tracking as t
where t.assessments <> (was_assessed_ready is not null and met_standard is not null)

union all
select 'fct_mentorship_engagement', assignment_id || ':' || month
from {{ ref('fct_mentorship_engagement') }}
cross join tracking as t
where t.sessions <> (completed_sessions is not null and missed_sessions is not null)

union all
select 'fct_mentorship_pairs', assignment_id
from {{ ref('fct_mentorship_pairs') }}
cross join tracking as t
where t.sessions <> (completed_sessions is not null and missed_sessions is not null)

union all
select 'fct_leadership_bench', employee_id || ':' || target_level || ':' || month
from {{ ref('fct_leadership_bench') }}
cross join tracking as t
where t.milestones <> (idp_milestones_due is not null and idp_milestones_on_schedule is not null)

union all
select 'fct_readiness_gaps', employee_id || ':' || competency_id
from {{ ref('fct_readiness_gaps') }}
cross join tracking as t
where t.milestones <> (overdue_milestones is not null and has_open_milestone_for_competency is not null)
