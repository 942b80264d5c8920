-- The periods each configured KPI reports (grain: KPI x period), measured or not: fct_kpis has an
-- organisation row for every one of them, so a reader finds "not tracked" or "insufficient data"
-- where there is no value, instead of no row. A KPI reports every period of its cadence (month,
-- quarter or year) that the reporting calendar touches, except Promotion Readiness Accuracy, only
-- the periods whose cohort window (promotion_window_months after the period's end) has closed, and
-- the succession KPIs, only the period of the as-of date (positions and nominations are current
-- snapshots; HRIS sends no history of them).
with calendar as (
    select month_start, as_of_date from {{ ref('int_reporting_calendar') }}
),

window_months as (
    select cast(value as integer) as months
    from {{ source('config', 'lpss_parameters') }}
    where parameter = 'promotion_window_months'
),

definitions as (
    select
        kpi_id,
        cadence,
        case cadence when 'monthly' then 'month' when 'quarterly' then 'quarter' else 'year' end as unit,
        case cadence when 'monthly' then 1 when 'quarterly' then 3 else 12 end as period_months
    from {{ source('config', 'kpi_definitions') }}
),

periods as (
    select distinct
        d.kpi_id,
        d.cadence,
        cast(date_trunc(d.unit, c.month_start) as date) as period_start,
        cast(date_trunc(d.unit, c.as_of_date) as date) as as_of_period_start,
        d.period_months,
        c.as_of_date
    from definitions as d
    cross join calendar as c
)

select p.kpi_id, p.period_start, p.cadence
from periods as p
cross join window_months as w
where case
    when p.kpi_id = 'promotion_readiness_accuracy'
        then {{ dbt.dateadd('month', 'p.period_months + w.months', 'p.period_start') }}
            <= {{ dbt.dateadd('day', 1, 'p.as_of_date') }}
    when p.kpi_id in ('succession_coverage', 'successor_coverage_ratio', 'emergency_successor_coverage')
        then p.period_start = p.as_of_period_start
    else true
end
