-- The monthly leader scorecard (SPEC section 3). Grain: leader x month, every month in which the
-- person was employed at level >= 1 on the month's last observed day. A category with no metric
-- makes the scorecard incomplete: composite null, band insufficient_data. The band is read from
-- the composite rounded to one decimal; composite_change is against the previous month; the
-- trend is the least-squares slope (points per month) of the composite over the trailing
-- trend_months, given at least two of them.
with leader_months as (
    select employee_id, month_start as month, leadership_level, department_id, region, is_provisional
    from {{ ref('int_employee_months') }}
    where is_leader
),

scored as (
    select * from {{ ref('int_scorecard_metrics_scored') }}
),

categories as (
    select employee_id, month, category, any_value(category_weight) as weight, sum(category_points) as score,
        count(*) as metrics
    from scored
    group by employee_id, month, category
),

per_leader_month as (
    select
        employee_id,
        month,
        max(score) filter (where category = 'performance') as performance_score,
        max(score) filter (where category = 'engagement') as engagement_score,
        max(score) filter (where category = 'development') as development_score,
        max(score) filter (where category = 'strategic_impact') as strategic_impact_score,
        sum(weight * score) as weighted_sum,
        count(*) as categories_present,
        cast(sum(metrics) as bigint) as metrics_present
    from categories
    group by employee_id, month
),

composed as (
    select
        lm.employee_id,
        lm.month,
        p.performance_score,
        p.engagement_score,
        p.development_score,
        p.strategic_impact_score,
        coalesce(p.categories_present, 0) = (select count(*) from {{ source('config', 'scorecard_categories') }}) as is_complete,
        coalesce(p.categories_present, 0) as categories_present,
        coalesce(p.metrics_present, 0) as metrics_present,
        p.weighted_sum,
        lm.leadership_level,
        lm.department_id,
        lm.region,
        lm.is_provisional
    from leader_months as lm
    left join per_leader_month as p on p.employee_id = lm.employee_id and p.month = lm.month
),

banded as (
    select
        composed.* except (weighted_sum),
        case when is_complete then weighted_sum end as composite_score,
        case when is_complete then cast(round(cast(weighted_sum as decimal(18, 6)), 1) as decimal(18, 1)) end
            as composite_rounded
    from composed
),

with_band as (
    select
        banded.*,
        case when banded.is_complete then bands.band else 'insufficient_data' end as band
    from banded
    left join {{ source('config', 'score_bands') }} as bands
        on banded.composite_rounded >= coalesce(bands.min_composite, cast('-infinity' as double))
        and banded.composite_rounded < coalesce(bands.max_composite, cast('infinity' as double))
),

trend_window as (
    select cast(value as integer) as months from {{ source('config', 'lpss_parameters') }} where parameter = 'trend_months'
),

indexed as (
    select *, {{ month_diff("date '2000-01-01'", 'month') }} as month_index from with_band
),

trended as (
    {{ trailing_trend('indexed', 'trend_window') }}
),

over_time as (
    select
        trended.*,
        composite_score - lag(composite_score) over by_month as change,
        lag(month) over by_month as previous_month
    from trended
    window by_month as (partition by employee_id order by month)
)

select
    w.employee_id,
    w.month,
    w.performance_score,
    w.engagement_score,
    w.development_score,
    w.strategic_impact_score,
    w.composite_score,
    w.composite_rounded,
    w.band,
    w.is_complete,
    case when w.previous_month = w.month - interval 1 month then w.change end as composite_change,
    case when w.trend_points >= 2 then w.trailing_slope end as trend_slope_3m,
    config.config_version,
    w.categories_present,
    w.metrics_present,
    w.leadership_level,
    levels.level_name,
    w.department_id,
    w.region,
    w.is_provisional
from over_time as w
left join {{ source('config', 'leadership_levels') }} as levels on levels.leadership_level = w.leadership_level
cross join {{ ref('int_scorecard_config_version') }} as config
