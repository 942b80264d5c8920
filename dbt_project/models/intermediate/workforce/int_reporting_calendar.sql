-- One row per reporting month, from the first month any monthly export covers to the as-of month.
-- The as-of date is the export date of the latest loaded HRIS batch: every "current" figure
-- (active employees, open milestones, the latest month) is as of that day, never the wall clock.
with as_of as (
    select cast({{ parse_timestamp('max(source_batch_id)', '%Y-%m-%dT%H%M%SZ') }} as date) as as_of_date
    from {{ ref('stg_hris__employees') }}
),

bounds as (
    select
        cast(least(
            (select min(month) from {{ ref('stg_hris__goal_attainment') }}),
            (select min(month) from {{ ref('stg_hris__competency_assessments') }}),
            date_trunc('month', as_of_date)
        ) as date) as first_month,
        cast(date_trunc('month', as_of_date) as date) as last_month,
        as_of_date
    from as_of
),

series as (
    select {{ series('first_month', 'last_month', 'interval 1 month') }} as month_start, as_of_date
    from bounds
),

months as (
    select cast(month_start as date) as month_start, as_of_date from series
)

select
    month_start,
    cast(last_day(month_start) as date) as month_end,
    cast(date_trunc('quarter', month_start) as date) as quarter_start,
    least(cast(last_day(month_start) as date), as_of_date) as observed_through,
    as_of_date,
    month_start = date_trunc('month', as_of_date) as is_as_of_month,
    as_of_date < last_day(month_start) as is_provisional
from months
