-- The KPIs of SPEC section 4, each cut by organisation, department, region and leadership level.
-- Grain: period x KPI x cut x cut value. value aggregates the KPI's observations as its
-- definition says (mean, 100 x sum(numerator) / sum(denominator), the plain ratio, or a count);
-- population is how many observations it rests on, so readers can suppress small groups. A period
-- is_closed once the as-of date (the latest HRIS export) reaches its last day (period_end): readers
-- show the latest closed period by default, the one in progress only when asked.
-- Every configured KPI has an organisation row for each period it reports (int_kpi_periods),
-- measured or not; department, region and level rows exist where something was observed. status:
-- not_tracked when the KPI reads an entity the organisation does not track (its observations are
-- ignored and only the organisation rows remain), insufficient_data when nothing was measured for
-- the period and cut (population 0, or nothing to divide by), else ok. value and meets_target are
-- null unless the status is ok.
with definitions as (
    select
        *,
        case cadence when 'monthly' then 'month' when 'quarterly' then 'quarter' else 'year' end as period_unit,
        case cadence when 'monthly' then 1 when 'quarterly' then 3 else 12 end as period_months
    from {{ source('config', 'kpi_definitions') }}
),

-- a period is closed once the data's as-of date (the latest HRIS export) reaches its last day
as_of as (
    select max(as_of_date) as as_of_date from {{ ref('int_reporting_calendar') }}
),

tracking as (
    select id as kpi_id, is_tracked, untracked_inputs
    from {{ ref('int_computed_items_tracked') }}
    where kind = 'kpi'
),

untracked as (
    select kpi_id from tracking where not is_tracked
),

-- observations of tracked KPIs, in the period of the KPI's cadence
observations as (
    select
        o.kpi_id,
        cast(date_trunc(d.period_unit, o.period_start) as date) as period_start,
        o.department_id,
        o.region,
        o.leadership_level,
        o.numerator,
        o.denominator,
        o.row_target
    from {{ ref('fct_kpi_observations') }} as o
    inner join definitions as d on d.kpi_id = o.kpi_id
    where o.kpi_id not in (select kpi_id from untracked)
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
            when grouping(leadership_level) = 0 then cast(leadership_level as {{ dbt.type_string() }})
            else 'all'
        end as cut_value,
        sum(numerator) as numerator,
        cast(sum(denominator) as decimal(38, 1)) as denominator,
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

-- the organisation row of every period each KPI reports, observed or not
reported as (
    select kpi_id, period_start, 'organisation' as cut, 'all' as cut_value
    from {{ ref('int_kpi_periods') }}
),

rows_ as (
    select
        coalesce(a.kpi_id, r.kpi_id) as kpi_id,
        coalesce(a.period_start, r.period_start) as period_start,
        coalesce(a.cut, r.cut) as cut,
        coalesce(a.cut_value, r.cut_value) as cut_value,
        a.numerator,
        a.denominator,
        coalesce(a.population, 0) as population,
        a.row_target
    from aggregated as a
    full outer join reported as r
        on r.kpi_id = a.kpi_id
        and r.period_start = a.period_start
        and r.cut = a.cut
        and r.cut_value = a.cut_value
    where coalesce(a.cut_value, r.cut_value) is not null
),

valued as (
    select
        rows_.period_start,
        d.cadence,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 'd.period_months', 'rows_.period_start')) }} as date)
            as period_end,
        rows_.kpi_id,
        rows_.cut,
        rows_.cut_value,
        case d.aggregation
            when 'mean' then rows_.numerator / nullif(rows_.denominator, 0)
            when 'ratio_pct' then 100 * rows_.numerator / nullif(rows_.denominator, 0)
            when 'ratio' then rows_.numerator / nullif(rows_.denominator, 0)
            when 'count' then rows_.numerator
        end as measured_value,
        coalesce(d.target, rows_.row_target) as target,
        d.comparison,
        d.unit,
        rows_.numerator,
        rows_.denominator,
        rows_.population,
        t.untracked_inputs
    from rows_
    inner join definitions as d on d.kpi_id = rows_.kpi_id
    left join tracking as t on t.kpi_id = rows_.kpi_id
),

statused as (
    select
        *,
        case
            when untracked_inputs is not null then 'not_tracked'
            when population = 0 or measured_value is null then 'insufficient_data'
            else 'ok'
        end as status
    from valued
)

select
    period_start,
    period_end,
    period_end <= (select as_of_date from as_of) as is_closed,
    cadence,
    kpi_id,
    cut,
    cut_value,
    case when status = 'ok' then measured_value end as value,
    target,
    case
        when status <> 'ok' or target is null then null
        -- rounded: a mean of float sums sits a last bit off a target it meets, by engine
        when comparison = '>=' then round(measured_value, 9) >= target
        else round(measured_value, 9) <= target
    end as meets_target,
    unit,
    numerator,
    denominator,
    population,
    status,
    untracked_inputs
from statused
