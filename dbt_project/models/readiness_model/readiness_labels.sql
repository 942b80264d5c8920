-- The readiness model's label (SPEC section 8). Grain: person x month, the rows of
-- readiness_features. promoted_within_window: promoted to a higher level in the
-- promotion_window_months after the month's end. The outcome is known when that window has
-- closed by the as-of date, when the promotion has happened, or when the person has left without
-- one; window_closed marks the months whose every outcome is known (the model's time split trains
-- and validates on those and predicts the rest).
with window_months as (
    select cast(value as integer) as months
    from {{ source('config', 'lpss_parameters') }} where parameter = 'promotion_window_months'
),

as_of as (
    select max(observed_through) as as_of_date from {{ ref('int_employee_months') }}
),

person_months as (
    select
        m.employee_id,
        m.month_start as month,
        m.month_end,
        {{ dbt.dateadd('month', 'w.months', 'm.month_end') }} as window_end,
        as_of.as_of_date
    from {{ ref('int_employee_months') }} as m
    cross join window_months as w
    cross join as_of
    where m.leadership_level <= 3
),

promotions as (
    select employee_id, effective_date
    from {{ ref('stg_hris__promotions') }}
    where to_level > from_level
),

outcomes as (
    select
        pm.employee_id,
        pm.month,
        pm.window_end <= pm.as_of_date as window_closed,
        min(p.effective_date) as promoted_on,
        any_value(e.termination_date <= pm.as_of_date) as has_left
    from person_months as pm
    inner join {{ ref('stg_hris__employees') }} as e on e.employee_id = pm.employee_id
    left join promotions as p
        on p.employee_id = pm.employee_id
        and p.effective_date > pm.month_end
        and p.effective_date <= least(pm.window_end, pm.as_of_date)
    group by pm.employee_id, pm.month, pm.window_end, pm.as_of_date
)

select
    employee_id,
    month,
    promoted_on,
    window_closed,
    case
        when promoted_on is not null then true
        when window_closed or coalesce(has_left, false) then false
    end as promoted_within_window
from outcomes
