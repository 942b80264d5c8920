-- Every complete scorecard's composite is the configured weighted sum (40/20/20/20 by default) of
-- the category scores of the categories the organisation configured; a category it did not
-- configure has weight 0 here and must have no score on any scorecard.
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
where (
        s.is_complete
        and abs(
            s.composite_score - (
                coalesce(w.performance, 0) * coalesce(s.performance_score, 0)
                + coalesce(w.engagement, 0) * coalesce(s.engagement_score, 0)
                + coalesce(w.development, 0) * coalesce(s.development_score, 0)
                + coalesce(w.strategic_impact, 0) * coalesce(s.strategic_impact_score, 0)
            )
        ) > 1e-6
    )
    or (w.performance is null and s.performance_score is not null)
    or (w.engagement is null and s.engagement_score is not null)
    or (w.development is null and s.development_score is not null)
    or (w.strategic_impact is null and s.strategic_impact_score is not null)
