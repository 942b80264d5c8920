-- Each assessed person's competency profile per month (grain: person x month), from the
-- carried-forward ratings: the mean rating, and how many of the next level's expectations
-- (level_competency_expectations for leadership_level + 1) are met (rating >= expected).
-- expectations_met_pct is null until every expectation of the target level has a rating. A
-- level-0 person is a bench candidate in a month when rated on any competency within
-- bench_rating_recency_months up to it, so people who left the talent pool drop off the bench.
with ratings as (
    select * from {{ ref('int_competency_ratings_carried') }}
),

expectations as (
    select target_level, competency_id, expected_rating from {{ source('config', 'level_competency_expectations') }}
),

levels as (
    select leadership_level from {{ source('config', 'leadership_levels') }}
),

recency as (
    select cast(value as integer) as months
    from {{ source('config', 'lpss_parameters') }}
    where parameter = 'bench_rating_recency_months'
),

profiles as (
    select
        employee_id,
        month,
        any_value(leadership_level) as leadership_level,
        count(*) as competencies_rated,
        avg(rating) as competency_avg,
        min(months_since_rated) as months_since_last_assessment
    from ratings
    group by employee_id, month
),

expected_per_level as (
    select target_level, count(*) as expectations_total
    from expectations
    group by target_level
),

met as (
    select
        r.employee_id,
        r.month,
        count(*) as expectations_rated,
        count(*) filter (where r.rating >= e.expected_rating) as expectations_met
    from ratings as r
    inner join expectations as e
        on e.target_level = r.leadership_level + 1
        and e.competency_id = r.competency_id
    group by r.employee_id, r.month
),

final as (
    select
        p.employee_id,
        p.month,
        p.leadership_level,
        levels.leadership_level as target_level,
        p.competencies_rated,
        p.competency_avg,
        p.months_since_last_assessment,
        coalesce(x.expectations_total, 0) as expectations_total,
        coalesce(m.expectations_rated, 0) as expectations_rated,
        coalesce(m.expectations_met, 0) as expectations_met,
        case
            when x.expectations_total > 0 and m.expectations_rated = x.expectations_total
                then cast(100 as double) * m.expectations_met / x.expectations_total
        end as expectations_met_pct,
        p.leadership_level = 0 and p.months_since_last_assessment < recency.months as is_bench_candidate
    from profiles as p
    cross join recency
    left join levels on levels.leadership_level = p.leadership_level + 1
    left join expected_per_level as x on x.target_level = levels.leadership_level
    left join met as m on m.employee_id = p.employee_id and m.month = p.month
)

select * from final
