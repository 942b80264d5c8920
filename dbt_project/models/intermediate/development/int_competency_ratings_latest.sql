-- Each person's latest rating per competency (the rating of the latest assessed month on or
-- before the as-of date), with the mean of all their ratings in it as a longer-run view.
with assessments as (
    select * from {{ ref('stg_hris__competency_assessments') }}
),

as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

final as (
    select
        a.employee_id,
        a.competency_id,
        max_by(a.rating, a.month) as rating,
        max(a.month) as rated_month,
        avg(a.rating) as mean_rating,
        count(*) as ratings
    from assessments as a
    cross join as_of
    where a.month <= as_of.as_of_date
    group by a.employee_id, a.competency_id
)

select * from final
