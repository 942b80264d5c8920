-- Every complete scorecard's composite is the configured weighted sum (40/20/20/20 by default)
-- of its four category scores.
with weights as (
    select
        max(weight) filter (where category = 'performance') as performance,
        max(weight) filter (where category = 'engagement') as engagement,
        max(weight) filter (where category = 'development') as development,
        max(weight) filter (where category = 'strategic_impact') as strategic_impact
    from {{ source('config', 'scorecard_categories') }}
)

select s.employee_id, s.month, s.composite_score
from {{ ref('fct_leader_scorecards') }} as s
cross join weights as w
where s.is_complete
    and abs(
        s.composite_score - (
            w.performance * s.performance_score + w.engagement * s.engagement_score
            + w.development * s.development_score + w.strategic_impact * s.strategic_impact_score
        )
    ) > 1e-6
