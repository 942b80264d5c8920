-- The KPIs of SPEC section 4, each cut by organisation, department, region and leadership level.
-- Grain: period x KPI x cut x cut value. value aggregates the KPI's observations as its
-- definition says (mean, 100 x sum(numerator) / sum(denominator), or a count); population is how
-- many observations it rests on, so readers can suppress small groups.
with observations as (
    select * from {{ ref('int_kpi_observations') }}
),

definitions as (
    select * from {{ source('config', 'kpi_definitions') }}
),

aggregated as (
    select
        kpi_id,
        period_start,
        case
            when grouping(department_id) = 0 then 'department'
            when grouping(region) = 0 then 'region'
            when grouping(leadership_level) = 0 then 'level'
            else 'organisation'
        end as cut,
        case
            when grouping(department_id) = 0 then department_id
            when grouping(region) = 0 then region
            when grouping(leadership_level) = 0 then cast(leadership_level as varchar)
            else 'all'
        end as cut_value,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        count(*) as population,
        avg(row_target) as row_target
    from observations
    group by grouping sets (
        (kpi_id, period_start),
        (kpi_id, period_start, department_id),
        (kpi_id, period_start, region),
        (kpi_id, period_start, leadership_level)
    )
),

valued as (
    select
        a.period_start,
        d.cadence,
        a.kpi_id,
        a.cut,
        a.cut_value,
        case d.aggregation
            when 'mean' then a.numerator / nullif(a.denominator, 0)
            when 'ratio_pct' then 100 * a.numerator / nullif(a.denominator, 0)
            when 'count' then a.numerator
        end as value,
        coalesce(d.target, a.row_target) as target,
        d.comparison,
        d.unit,
        a.numerator,
        a.denominator,
        a.population
    from aggregated as a
    inner join definitions as d on d.kpi_id = a.kpi_id
    where a.cut_value is not null
)

select
    period_start,
    cadence,
    kpi_id,
    cut,
    cut_value,
    value,
    target,
    case
        when value is null or target is null then null
        when comparison = '>=' then value >= target
        else value <= target
    end as meets_target,
    unit,
    numerator,
    denominator,
    population
from valued
