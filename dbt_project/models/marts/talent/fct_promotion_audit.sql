-- Every promotion checked against the readiness standard (SPEC section 5). Grain: promotion
-- (employee_id, effective_date). The scorecard used is the one of the last full month before
-- the effective date's month. was_assessed_ready: an assessed_ready readiness assessment with
-- target_level >= to_level, on or before the effective date and after the effective date minus
-- promotion_window_months. met_standard: band_at_promotion = 'on_track' and was_assessed_ready;
-- for promotions from level 0 (bench candidates have no scorecard) met_standard =
-- was_assessed_ready. A leader without a complete scorecard that month does not meet it.
-- days_from_first_ready_to_promotion counts from the first ready assessment for the level (target
-- >= to_level) since the person's previous promotion; the level's standard comes from
-- leadership_levels. is_window_observed says whether the whole window lies inside the exports.
-- When the organisation does not track readiness assessments, was_assessed_ready and met_standard
-- are null (unknown), never "promoted without meeting the standard".
with parameters as (
    select cast(value as integer) as window_months
    from {{ source('config', 'lpss_parameters') }}
    where parameter = 'promotion_window_months'
),

calendar as (
    select min(month_start) as first_month from {{ ref('int_reporting_calendar') }}
),

promotions as (
    select
        employee_id,
        effective_date,
        from_level,
        to_level,
        position_id,
        lag(effective_date) over (partition by employee_id order by effective_date) as previous_promotion_date
    from {{ ref('stg_hris__promotions') }}
),

scorecards as (
    select employee_id, month, composite_score, band from {{ ref('fct_leader_scorecards') }}
),

ready_assessments as (
    select employee_id, assessed_on, target_level
    from {{ ref('stg_hris__readiness_assessments') }}
    where assessed_ready
),

levels as (
    select leadership_level, time_to_promotion_standard_days from {{ source('config', 'leadership_levels') }}
),

tracking as (
    select {{ entity_tracked('hris', 'readiness_assessments') }} as assessments_tracked
),

readiness_checked as (
    select
        p.employee_id,
        p.effective_date,
        bool_or(ra.assessed_on > {{ dbt.dateadd('month', '-w.window_months', 'p.effective_date') }}) as was_assessed_ready,
        min(ra.assessed_on) filter (
            where p.previous_promotion_date is null or ra.assessed_on > p.previous_promotion_date
        ) as first_ready_on
    from promotions as p
    cross join parameters as w
    inner join ready_assessments as ra
        on ra.employee_id = p.employee_id
        and ra.target_level >= p.to_level
        and ra.assessed_on <= p.effective_date
    group by p.employee_id, p.effective_date
),

final as (
    select
        p.employee_id,
        p.effective_date,
        p.from_level,
        p.to_level,
        s.composite_score as composite_at_promotion,
        s.band as band_at_promotion,
        case when t.assessments_tracked then coalesce(r.was_assessed_ready, false) end as was_assessed_ready,
        case
            when not t.assessments_tracked then null
            when p.from_level = 0 then coalesce(r.was_assessed_ready, false)
            else coalesce(s.band = 'on_track', false) and coalesce(r.was_assessed_ready, false)
        end as met_standard,
        cast(date_trunc('month', p.effective_date) - interval 1 month as date) as scorecard_month,
        r.first_ready_on,
        cast({{ dbt.datediff('r.first_ready_on', 'p.effective_date', 'day') }} as integer) as days_from_first_ready_to_promotion,
        l.time_to_promotion_standard_days,
        {{ dbt.datediff('r.first_ready_on', 'p.effective_date', 'day') }} <= l.time_to_promotion_standard_days
            as within_time_standard,
        {{ dbt.dateadd('month', '-w.window_months', 'p.effective_date') }} >= c.first_month as is_window_observed,
        p.position_id
    from promotions as p
    cross join parameters as w
    cross join calendar as c
    cross join tracking as t
    left join scorecards as s
        on s.employee_id = p.employee_id
        and s.month = cast(date_trunc('month', p.effective_date) - interval 1 month as date)
    left join readiness_checked as r on r.employee_id = p.employee_id and r.effective_date = p.effective_date
    left join levels as l on l.leadership_level = p.to_level
)

select * from final
