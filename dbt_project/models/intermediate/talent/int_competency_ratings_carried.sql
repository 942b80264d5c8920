-- Every assessed person's latest rating in each competency, carried forward month by month
-- (grain: person x month x competency). Assessments rotate a third of the framework each month,
-- so a month's full profile is the latest rating of each competency. Months run from the
-- person's first assessment to the as-of month, while employed (int_employee_months); a
-- competency appears from the month of its own first rating. Competencies not in the framework
-- are ignored.
with framework as (
    select competency_id from {{ source('config', 'competency_framework') }}
),

assessments as (
    select a.employee_id, a.month, a.competency_id, a.rating
    from {{ ref('stg_hris__competency_assessments') }} as a
    inner join framework as f on f.competency_id = a.competency_id
),

employee_months as (
    select employee_id, month_start, leadership_level
    from {{ ref('int_employee_months') }}
),

first_rated as (
    select employee_id, competency_id, min(month) as first_rated_month
    from assessments
    group by employee_id, competency_id
),

first_assessed as (
    select employee_id, min(first_rated_month) as first_assessed_month
    from first_rated
    group by employee_id
),

person_months as (
    select em.employee_id, em.month_start, em.leadership_level
    from employee_months as em
    inner join first_assessed as fa
        on fa.employee_id = em.employee_id
        and em.month_start >= fa.first_assessed_month
),

grid as (
    select pm.employee_id, pm.month_start, pm.leadership_level, fr.competency_id
    from person_months as pm
    inner join first_rated as fr
        on fr.employee_id = pm.employee_id
        and fr.first_rated_month <= pm.month_start
),

-- The month of each grid row's latest rating: the grid and the ratings in one timeline per person
-- and competency, the latest rated month carried forward (the default frame includes the row's
-- own month, so a rating counts in the month it was given). A sort, linear in the rows.
timeline as (
    select employee_id, competency_id, month_start as month, leadership_level, true as is_grid,
        cast(null as date) as rated_month
    from grid

    union all

    select employee_id, competency_id, month, null, false, month
    from assessments
),

latest_rated as (
    select
        employee_id,
        competency_id,
        month,
        leadership_level,
        is_grid,
        max(rated_month) over (partition by employee_id, competency_id order by month) as rated_month
    from timeline
),

carried as (
    select
        l.employee_id,
        l.month,
        l.competency_id,
        l.leadership_level,
        a.rating,
        a.month as rated_month
    from latest_rated as l
    inner join assessments as a
        on a.employee_id = l.employee_id
        and a.competency_id = l.competency_id
        and a.month = l.rated_month
    where l.is_grid
),

final as (
    select
        employee_id,
        month,
        competency_id,
        leadership_level,
        rating,
        rated_month,
        rated_month = month as rated_in_month,
        cast({{ month_diff('rated_month', 'month') }} as integer) as months_since_rated
    from carried
)

select * from final
