-- Recommended mentors for people in the talent pipeline without an active mentor as of the
-- as-of date (grain: mentee x recommended mentor). Mentees: active people at levels 0-3 who are
-- leaders (1-3) or assessed bench candidates (anyone with competency ratings). The mentee's
-- weakest competency is the lowest latest rating (ties: lower mean rating, then competency_id).
-- A mentor is active, at least one level more senior, rated >= mentor_min_strength (latest
-- rating) in that competency, neither above nor below the mentee in the reporting line, and has
-- fewer than mentor_capacity active mentees. Ranked by the mentor's rating in the competency
-- (desc), then the level gap (asc), then current mentees (asc), then a hash of the pair (spreads
-- equal candidates across mentees); the top mentor_recommendations_per_mentee are kept.
with employees as (
    select * from {{ ref('int_employees_current') }}
),

active_assignments as (
    select * from {{ ref('int_mentor_assignments_active') }}
),

ratings as (
    select * from {{ ref('int_competency_ratings_latest') }}
),

reporting_lines as (
    select * from {{ ref('int_reporting_lines') }}
),

params as (
    select
        max(case when parameter = 'mentor_min_strength' then cast(value as integer) end) as min_strength,
        max(case when parameter = 'mentor_capacity' then cast(value as integer) end) as capacity,
        max(case when parameter = 'mentor_recommendations_per_mentee' then cast(value as integer) end)
            as per_mentee
    from {{ ref('lpss_parameters') }}
),

mentored as (
    select distinct mentee_employee_id from active_assignments
),

assessed as (
    select distinct employee_id from ratings
),

mentees as (
    select e.employee_id, e.leadership_level
    from employees as e
    left join mentored as m on m.mentee_employee_id = e.employee_id
    left join assessed as a on a.employee_id = e.employee_id
    where e.is_active
        and e.leadership_level <= 3
        and (e.leadership_level >= 1 or a.employee_id is not null)
        and m.mentee_employee_id is null
),

weakest as (
    select
        m.employee_id,
        m.leadership_level,
        r.competency_id,
        r.rating
    from mentees as m
    inner join ratings as r on r.employee_id = m.employee_id
    qualify row_number() over (
        partition by m.employee_id order by r.rating, r.mean_rating, r.competency_id
    ) = 1
),

mentor_load as (
    select mentor_employee_id, count(*) as active_mentees
    from active_assignments
    group by mentor_employee_id
),

mentors as (
    select
        e.employee_id,
        e.leadership_level,
        coalesce(l.active_mentees, 0) as active_mentees
    from employees as e
    cross join params as p
    left join mentor_load as l on l.mentor_employee_id = e.employee_id
    where e.is_active and coalesce(l.active_mentees, 0) < p.capacity
),

candidates as (
    select
        w.employee_id as mentee_employee_id,
        mt.employee_id as mentor_employee_id,
        w.competency_id as weakest_competency_id,
        w.rating as mentee_rating,
        r.rating as mentor_rating,
        w.leadership_level as mentee_level,
        mt.leadership_level as mentor_level,
        mt.active_mentees as mentor_active_mentees,
        p.capacity - mt.active_mentees as mentor_spare_capacity,
        p.per_mentee
    from weakest as w
    cross join params as p
    inner join ratings as r
        on r.competency_id = w.competency_id
        and r.rating >= p.min_strength
    inner join mentors as mt
        on mt.employee_id = r.employee_id
        and mt.leadership_level >= w.leadership_level + 1
    left join reporting_lines as above
        on above.ancestor_employee_id = mt.employee_id and above.descendant_employee_id = w.employee_id
    left join reporting_lines as below
        on below.ancestor_employee_id = w.employee_id and below.descendant_employee_id = mt.employee_id
    where above.ancestor_employee_id is null
        and below.ancestor_employee_id is null
        and mt.employee_id <> w.employee_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by mentee_employee_id
            order by
                mentor_rating desc,
                mentor_level - mentee_level,
                mentor_active_mentees,
                hash(mentee_employee_id || '|' || mentor_employee_id),
                mentor_employee_id
        ) as recommendation_rank
    from candidates
),

final as (
    select
        mentee_employee_id,
        mentor_employee_id,
        recommendation_rank,
        weakest_competency_id,
        mentee_rating,
        mentor_rating,
        mentee_level,
        mentor_level,
        mentor_active_mentees,
        mentor_spare_capacity
    from ranked
    where recommendation_rank <= per_mentee
)

select * from final
