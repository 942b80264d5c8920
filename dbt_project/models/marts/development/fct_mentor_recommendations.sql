-- Recommended mentors for people in the talent pipeline without an active mentor as of the
-- as-of date (grain: mentee x recommended mentor). Mentees: active people at levels 0-3 who are
-- leaders (1-3) or assessed bench candidates (anyone with competency ratings). The mentee's
-- weakest competency is the lowest latest rating (ties: lower mean rating, then competency_id).
-- A mentor is active, at least one level more senior, rated >= mentor_min_strength (latest
-- rating) in that competency, neither above nor below the mentee in the reporting line, and has
-- fewer than mentor_capacity active mentees. Ranked by the mentor's rating in the competency
-- (desc), then the level gap (asc), then current mentees (asc): a tier. Inside a tier, mentors
-- stand in a fixed circle (ordered by a hash of their id) and each mentee starts reading it at a
-- point given by a hash of the mentee, which spreads equally good mentors across mentees (md5
-- hashes: the same circle on every engine). The top mentor_recommendations_per_mentee are kept.
-- None when the organisation does not track mentor assignments: who already has a mentor, and each
-- mentor's load, are then unknown.
-- Scale: only the first (per_mentee + the mentee's excluded candidates) places of each tier that
-- can still contribute are ever paired with a mentee, so the model is linear in the headcount.
-- (Ranking every mentee-mentor pair by a pair hash took 66 s at 50,000 employees.)
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
    from {{ source('config', 'lpss_parameters') }}
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
        and {{ entity_tracked('hris', 'mentor_assignments') }}
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

pool as (
    -- Every mentor who could serve each (weakest competency, mentee level), in tiers.
    select
        w.competency_id,
        w.leadership_level as mentee_level,
        mt.employee_id as mentor_employee_id,
        mt.leadership_level as mentor_level,
        mt.active_mentees,
        r.rating,
        dense_rank() over (
            partition by w.competency_id, w.leadership_level
            order by r.rating desc, mt.leadership_level - w.leadership_level, mt.active_mentees
        ) as tier
    from (select distinct competency_id, leadership_level from weakest) as w
    cross join params as p
    inner join ratings as r
        on r.competency_id = w.competency_id
        and r.rating >= p.min_strength
    inner join mentors as mt
        on mt.employee_id = r.employee_id
        and mt.leadership_level >= w.leadership_level + 1
),

circle as (
    select
        *,
        row_number() over (
            partition by competency_id, mentee_level, tier
            order by {{ hash_number('mentor_employee_id') }}, mentor_employee_id
        ) - 1 as place,
        count(*) over (partition by competency_id, mentee_level, tier) as tier_size
    from pool
),

tiers as (
    select
        competency_id,
        mentee_level,
        tier,
        tier_size,
        coalesce(sum(tier_size) over (
            partition by competency_id, mentee_level order by tier
            rows between unbounded preceding and 1 preceding
        ), 0) as mentors_before
    from (select distinct competency_id, mentee_level, tier, tier_size from circle)
),

related as (
    -- The mentee's ancestors and descendants among the mentors who could serve them: never
    -- recommended. Joined from the mentee side, so the reporting lines are only streamed through
    -- (every ancestor-descendant pair, held as a hash table, did not fit in 4 GB at 2,000,000).
    select w.employee_id, c.mentor_employee_id
    from weakest as w
    inner join reporting_lines as rl on rl.descendant_employee_id = w.employee_id
    inner join circle as c
        on c.competency_id = w.competency_id
        and c.mentee_level = w.leadership_level
        and c.mentor_employee_id = rl.ancestor_employee_id

    union all

    select w.employee_id, c.mentor_employee_id
    from weakest as w
    inner join reporting_lines as rl on rl.ancestor_employee_id = w.employee_id
    inner join circle as c
        on c.competency_id = w.competency_id
        and c.mentee_level = w.leadership_level
        and c.mentor_employee_id = rl.descendant_employee_id
),

excluded as (
    -- How many of the mentee's candidates are related to them: read that many places further.
    select employee_id, count(*) as related_candidates
    from related
    group by employee_id
),

needs as (
    select
        w.employee_id,
        w.leadership_level,
        w.competency_id,
        w.rating,
        p.per_mentee + coalesce(x.related_candidates, 0) as need,
        {{ hash_number('w.employee_id') }} as start
    from weakest as w
    cross join params as p
    left join excluded as x on x.employee_id = w.employee_id
),

reads as (
    -- Each tier that can still contribute, read from the mentee's starting point.
    select
        n.*,
        t.tier,
        t.tier_size,
        {{ series(0, 'least(t.tier_size, n.need) - 1', 1) }} as step
    from needs as n
    inner join tiers as t
        on t.competency_id = n.competency_id
        and t.mentee_level = n.leadership_level
        and t.mentors_before < n.need
),

candidates as (
    select
        rd.employee_id as mentee_employee_id,
        c.mentor_employee_id,
        rd.competency_id as weakest_competency_id,
        rd.rating as mentee_rating,
        c.rating as mentor_rating,
        rd.leadership_level as mentee_level,
        c.mentor_level,
        c.active_mentees as mentor_active_mentees,
        p.capacity - c.active_mentees as mentor_spare_capacity,
        p.per_mentee,
        rd.tier,
        rd.step
    from reads as rd
    cross join params as p
    inner join circle as c
        on c.competency_id = rd.competency_id
        and c.mentee_level = rd.leadership_level
        and c.tier = rd.tier
        and c.place = (rd.start + rd.step) % rd.tier_size
    left join related as rl
        on rl.employee_id = rd.employee_id and rl.mentor_employee_id = c.mentor_employee_id
    where rl.employee_id is null
        and c.mentor_employee_id <> rd.employee_id
),

ranked as (
    select
        *,
        cast(row_number() over (partition by mentee_employee_id order by tier, step) as bigint)
            as recommendation_rank
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
