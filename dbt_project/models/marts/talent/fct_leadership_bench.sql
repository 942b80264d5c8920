-- The master bench tracker (SPEC section 7). Grain: target level x candidate x month; the
-- candidates for target level L are the people at level L-1 in fct_promotion_readiness (leaders
-- at levels 1-3, and level-0 bench candidates for level 1). bench_rank orders each target level's
-- candidates in a month by readiness_pct, then the readiness model's promotion_probability, then
-- competency_avg, then composite_score (each highest first, missing last), then employee_id. Development progress: idp_on_schedule_pct =
-- IDP milestones completed on or before their due date among those due by the month's last
-- observed day (all time; null when none due yet). promotion_probability is the champion readiness
-- model's (null where fct_promotion_readiness has none). Only candidates whose readiness_pct is
-- known are ranked (1..ranked_candidates); the others are listed with a null bench_rank. The IDP
-- columns are null (unknown, not 0) when the organisation does not track IDP milestones.
with readiness as (
    select * from {{ ref('fct_promotion_readiness') }}
),

employee_months as (
    select employee_id, month_start, observed_through from {{ ref('int_employee_months') }}
),

milestones as (
    select employee_id, due_date, completed_on from {{ ref('stg_hris__idp_milestones') }}
),

tracking as (
    select {{ entity_tracked('hris', 'idp_milestones') }} as milestones_tracked
),

idp_progress as (
    select
        r.employee_id,
        r.month,
        count(*) as idp_milestones_due,
        count(*) filter (where m.completed_on <= m.due_date) as idp_milestones_on_schedule
    from readiness as r
    inner join employee_months as em on em.employee_id = r.employee_id and em.month_start = r.month
    inner join milestones as m on m.employee_id = r.employee_id and m.due_date <= em.observed_through
    group by r.employee_id, r.month
),

final as (
    select
        r.month,
        r.target_level,
        r.employee_id,
        case when r.readiness_pct is not null then cast(row_number() over (
            partition by r.month, r.target_level, r.readiness_pct is null
            -- float sums rounded: candidates equal but for summation noise (engine-dependent) tie
            order by round(r.readiness_pct, 6) desc, r.promotion_probability desc nulls last,
                round(r.competency_avg, 6) desc nulls last,
                round(r.composite_score, 6) desc nulls last, r.employee_id
        ) as bigint) end as bench_rank,
        r.readiness_pct,
        r.composite_score,
        r.competency_avg,
        r.promotion_probability,
        r.model_version,
        case when t.milestones_tracked then coalesce(i.idp_milestones_due, 0) end as idp_milestones_due,
        case when t.milestones_tracked then coalesce(i.idp_milestones_on_schedule, 0) end
            as idp_milestones_on_schedule,
        cast(100 as double) * i.idp_milestones_on_schedule / i.idp_milestones_due as idp_on_schedule_pct,
        r.band,
        r.expectations_met_pct,
        r.months_to_ready,
        r.leadership_level,
        r.department_id,
        r.region,
        count(*) over (partition by r.month, r.target_level) as candidates,
        count(r.readiness_pct) over (partition by r.month, r.target_level) as ranked_candidates
    from readiness as r
    cross join tracking as t
    left join idp_progress as i on i.employee_id = r.employee_id and i.month = r.month
)

select * from final
