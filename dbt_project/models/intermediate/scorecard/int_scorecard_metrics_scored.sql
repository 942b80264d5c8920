-- Each measured metric scored 0-100 against its floor and target, weighted inside its category
-- with the weights re-normalised over the metrics present (SPEC section 3). Metrics that do not
-- apply to the leader's department (applies_to = revenue_generating) are left out here.
-- Grain: leader x month x metric.
with measured as (
    select * from {{ ref('int_scorecard_metrics_measured') }}
),

catalogue as (
    select m.*, c.weight as category_weight
    from {{ source('config', 'scorecard_metrics') }} as m
    inner join {{ source('config', 'scorecard_categories') }} as c on c.category = m.category
),

departments as (
    select e.employee_id, coalesce(d.is_revenue_generating, false) as is_revenue_generating
    from {{ ref('stg_hris__employees') }} as e
    left join {{ ref('stg_hris__departments') }} as d on d.department_id = e.department_id
),

applicable as (
    select
        measured.employee_id,
        measured.month,
        measured.metric_id,
        catalogue.category,
        measured.raw_value,
        catalogue.floor,
        catalogue.target,
        catalogue.weight_in_category as configured_weight_in_category,
        catalogue.category_weight,
        100 * greatest(0, least(1, (measured.raw_value - catalogue.floor) / (catalogue.target - catalogue.floor)))
            as metric_score
    from measured
    inner join catalogue on catalogue.metric_id = measured.metric_id
    inner join departments on departments.employee_id = measured.employee_id
    where catalogue.applies_to = 'all'
        or (catalogue.applies_to = 'revenue_generating' and departments.is_revenue_generating)
),

weighted as (
    select
        *,
        configured_weight_in_category
            / sum(configured_weight_in_category) over (partition by employee_id, month, category)
            as weight_in_category
    from applicable
)

select
    weighted.*,
    metric_score * weight_in_category as category_points,
    metric_score * weight_in_category * category_weight as contribution,
    config.config_version
from weighted
cross join {{ ref('int_scorecard_config_version') }} as config
