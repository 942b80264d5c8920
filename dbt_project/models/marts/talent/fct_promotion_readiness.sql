-- Readiness for promotion (SPEC section 5). Grain: person x month for people at levels 0-3:
-- leaders at levels 1-3 in every month employed, and level-0 bench candidates in the months they
-- are on the bench (int_competency_profiles_aggregated.is_bench_candidate).
-- Leaders: readiness_pct = min(100, composite / readiness_target_composite * 100) when the
-- scorecard is complete; months_to_ready from the 3-month trend. Bench candidates: readiness_pct
-- = share of the level-1 competency expectations met; they have no scorecard, so band,
-- months_to_ready and the flags do not apply (band null, flags false).
-- promotion_probability, model_version and the top three feature contributions come from the
-- champion readiness model (ml.readiness_predictions); they are null in the months the champion
-- was trained on and before any model exists. The slope (and the months it implies) is rounded to 6
-- decimals where compared, so floating-point noise (which differs by engine) on a flat trend does not
-- read as progress or decline.
with parameters as (
    select
        max(cast(value as double)) filter (where parameter = 'readiness_target_composite') as target_composite,
        max(cast(value as integer)) filter (where parameter = 'stagnation_months') as stagnation_months
    from {{ source('config', 'lpss_parameters') }}
),

employee_months as (
    select employee_id, month_start as month, leadership_level, department_id, region
    from {{ ref('int_employee_months') }}
    where leadership_level <= 3
),

scorecards as (
    select employee_id, month, composite_score, band, is_complete, trend_slope_3m
    from {{ ref('fct_leader_scorecards') }}
),

profiles as (
    select * from {{ ref('int_competency_profiles_aggregated') }}
),

predictions as (
    select * from {{ source('ml', 'readiness_predictions') }}
),

-- runs of consecutive months in the same band (gaps and islands): a month gap breaks a run
band_runs as (
    select
        employee_id,
        month,
        band,
        {{ month_diff("date '2000-01-01'", 'month') }}
            - row_number() over (partition by employee_id, band order by month) as run_id
    from scorecards
),

band_streaks as (
    select
        employee_id,
        month,
        cast(row_number() over (partition by employee_id, band, run_id order by month) as bigint)
            as band_streak_months
    from band_runs
),

joined as (
    select
        em.employee_id,
        em.month,
        em.leadership_level,
        em.leadership_level + 1 as target_level,
        em.department_id,
        em.region,
        sc.composite_score,
        sc.band as scorecard_band,
        coalesce(sc.is_complete, false) as is_complete,
        sc.trend_slope_3m,
        bs.band_streak_months,
        pr.competency_avg,
        pr.expectations_met_pct,
        coalesce(pr.is_bench_candidate, false) as is_bench_candidate
    from employee_months as em
    left join scorecards as sc on sc.employee_id = em.employee_id and sc.month = em.month
    left join band_streaks as bs on bs.employee_id = em.employee_id and bs.month = em.month
    left join profiles as pr on pr.employee_id = em.employee_id and pr.month = em.month
    where em.leadership_level >= 1 or coalesce(pr.is_bench_candidate, false)
),

final as (
    select
        j.employee_id,
        j.month,
        case
            when j.leadership_level = 0 then j.expectations_met_pct
            when j.is_complete then least(100.0, j.composite_score / p.target_composite * 100)
        end as readiness_pct,
        case when j.leadership_level >= 1 then j.scorecard_band end as band,
        pred.promotion_probability,
        pred.model_version,
        case
            when j.leadership_level = 0 or not j.is_complete then null
            when round(cast(j.composite_score as decimal(18, 6)), 1) >= p.target_composite then 0
            when round(j.trend_slope_3m, 6) > 0
                then cast(ceil(round((p.target_composite - j.composite_score) / round(j.trend_slope_3m, 6), 6)) as bigint)
        end as months_to_ready,
        coalesce(
            j.leadership_level >= 1
            and j.scorecard_band = 'needs_development'
            and j.band_streak_months >= p.stagnation_months
            and round(j.trend_slope_3m, 6) <= 0,
            false
        ) as is_stagnating,
        coalesce(
            j.leadership_level >= 1
            and j.scorecard_band = 'intervention'
            and round(j.trend_slope_3m, 6) < 0,
            false
        ) as is_high_risk,
        j.leadership_level,
        j.target_level,
        case when j.leadership_level = 0 then 'competency_expectations' else 'scorecard' end as readiness_basis,
        j.composite_score,
        j.trend_slope_3m,
        case when j.leadership_level >= 1 then j.band_streak_months end as band_streak_months,
        j.competency_avg,
        j.expectations_met_pct,
        j.is_bench_candidate,
        pred.top_feature_1,
        pred.top_contribution_1,
        pred.top_feature_2,
        pred.top_contribution_2,
        pred.top_feature_3,
        pred.top_contribution_3,
        j.department_id,
        j.region
    from joined as j
    cross join parameters as p
    left join predictions as pred on pred.employee_id = j.employee_id and pred.month = j.month
)

select * from final
