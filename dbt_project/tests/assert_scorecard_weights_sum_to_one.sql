-- The scorecard configuration is valid: category weights sum to 1, each category's metric
-- weights sum to 1, every category has a metric, and every floor is below its target.
with categories as (
    select 'categories' as what, null as category, sum(weight) as total from {{ ref('scorecard_categories') }}
),

metrics as (
    select 'metrics of category', c.category, coalesce(sum(m.weight_in_category), 0)
    from {{ ref('scorecard_categories') }} as c
    left join {{ ref('scorecard_metrics') }} as m on m.category = c.category
    group by c.category
)

select what, category, total from (select * from categories union all select * from metrics)
where abs(total - 1) > 1e-9
union all
select 'floor not below target', metric_id, floor from {{ ref('scorecard_metrics') }} where floor >= target
