-- The competency heat map (SPEC section 7). Grain: person x month x competency, for everyone ever
-- assessed (leaders and bench candidates), from their first assessment to the as-of month while
-- employed, each competency's latest rating carried forward (see int_competency_ratings_carried).
with ratings as (
    select * from {{ ref('int_competency_ratings_carried') }}
),

framework as (
    select competency_id, competency_name, competency_kind from {{ source('config', 'competency_framework') }}
),

final as (
    select
        r.employee_id,
        r.month,
        r.competency_id,
        f.competency_kind,
        r.rating,
        r.rated_in_month,
        r.months_since_rated,
        r.rated_month,
        f.competency_name,
        r.leadership_level
    from ratings as r
    inner join framework as f on f.competency_id = r.competency_id
)

select * from final
