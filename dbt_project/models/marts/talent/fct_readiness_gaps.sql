-- Readiness gaps and required actions (SPEC section 5). Grain: person x competency gap, in the
-- as-of month, for the people in fct_promotion_readiness that month (levels 0-3): every
-- competency whose current (carried-forward) rating is below the expectation of the person's
-- target level (leadership_level + 1). Unrated competencies are not gaps. Gaps are ranked
-- (largest gap, then lowest rating, then competency_id); the weakest_gaps_recommended largest
-- carry the experience bank's on-the-job actions and books. Person-level actions ride along:
-- overdue IDP milestones (due before the as-of date, not completed by it) and whether the person
-- has an active mentor. Those are null (unknown) when the organisation does not track IDP
-- milestones, respectively mentor assignments.
with calendar as (
    select max(month_start) as month, max(as_of_date) as as_of_date
    from {{ ref('int_reporting_calendar') }}
),

tracking as (
    select
        {{ entity_tracked('hris', 'idp_milestones') }} as milestones_tracked,
        {{ entity_tracked('hris', 'mentor_assignments') }} as mentors_tracked
),

recommended as (
    select cast(value as integer) as gaps
    from {{ source('config', 'lpss_parameters') }}
    where parameter = 'weakest_gaps_recommended'
),

people as (
    select r.employee_id, r.month, r.leadership_level, r.target_level, r.readiness_pct, r.band
    from {{ ref('fct_promotion_readiness') }} as r
    inner join calendar as c on c.month = r.month
),

ratings as (
    select employee_id, month, competency_id, competency_kind, competency_name, rating, months_since_rated
    from {{ ref('fct_competency_heatmap') }}
),

expectations as (
    select target_level, competency_id, expected_rating from {{ source('config', 'level_competency_expectations') }}
),

bank as (
    select
        competency_id,
        {{ dbt.listagg("case when recommendation_kind = 'on_the_job' then recommendation end", "' | '", 'order by recommendation') }}
            as on_the_job_actions,
        {{ dbt.listagg("case when recommendation_kind = 'book' then recommendation end", "' | '", 'order by recommendation') }}
            as books
    from {{ source('config', 'competency_experience_bank') }}
    group by competency_id
),

milestones as (
    select m.employee_id, m.competency_id, m.due_date, m.completed_on, c.as_of_date
    from {{ ref('stg_hris__idp_milestones') }} as m
    cross join calendar as c
),

overdue as (
    select employee_id, count(*) as overdue_milestones
    from milestones
    where due_date < as_of_date and (completed_on is null or completed_on > as_of_date)
    group by employee_id
),

open_for_competency as (
    select distinct employee_id, competency_id
    from milestones
    where competency_id is not null and (completed_on is null or completed_on > as_of_date)
),

mentored as (
    select distinct a.mentee_employee_id as employee_id
    from {{ ref('stg_hris__mentor_assignments') }} as a
    cross join calendar as c
    where a.start_date <= c.as_of_date and (a.end_date is null or a.end_date >= c.as_of_date)
),

gaps as (
    select
        p.employee_id,
        p.month,
        p.leadership_level,
        p.target_level,
        r.competency_id,
        r.competency_name,
        r.competency_kind,
        r.rating as current_rating,
        e.expected_rating,
        e.expected_rating - r.rating as rating_gap,
        r.months_since_rated,
        p.readiness_pct,
        p.band,
        cast(row_number() over (
            partition by p.employee_id
            order by e.expected_rating - r.rating desc, r.rating asc, r.competency_id
        ) as bigint) as gap_rank
    from people as p
    inner join ratings as r on r.employee_id = p.employee_id and r.month = p.month
    inner join expectations as e on e.target_level = p.target_level and e.competency_id = r.competency_id
    where r.rating < e.expected_rating
),

final as (
    select
        g.employee_id,
        g.month,
        g.competency_id,
        g.competency_name,
        g.competency_kind,
        g.leadership_level,
        g.target_level,
        g.current_rating,
        g.expected_rating,
        g.rating_gap,
        g.months_since_rated,
        g.gap_rank,
        g.gap_rank <= rec.gaps as is_weakest,
        case when g.gap_rank <= rec.gaps then b.on_the_job_actions end as on_the_job_actions,
        case when g.gap_rank <= rec.gaps then b.books end as books,
        case when t.milestones_tracked then ofc.competency_id is not null end as has_open_milestone_for_competency,
        case when t.milestones_tracked then coalesce(o.overdue_milestones, 0) end as overdue_milestones,
        case when t.mentors_tracked then m.employee_id is not null end as has_active_mentor,
        g.readiness_pct,
        g.band
    from gaps as g
    cross join recommended as rec
    cross join tracking as t
    left join bank as b on b.competency_id = g.competency_id
    left join open_for_competency as ofc on ofc.employee_id = g.employee_id and ofc.competency_id = g.competency_id
    left join overdue as o on o.employee_id = g.employee_id
    left join mentored as m on m.employee_id = g.employee_id
)

select * from final
