-- Backtest of the readiness forecast (SPEC section 8). Grain: quarter x method (`model`, `rule`).
-- The champion's predictions are all out of sample (ml.readiness_predictions holds only months
-- after its training window); of them, the months whose outcome is known are scored. Each person
-- counts once per quarter, at their last such month in it: called ready then or not, promoted
-- within the window after it or not. The model calls ready at promotion_probability >=
-- readiness_probability_threshold, the rule at a composite (rounded to one decimal) >=
-- readiness_target_composite, on the same people. accuracy = Promotion Readiness Accuracy
-- (promoted among those called ready), recall = called ready among those promoted. The same
-- definition is logged on every training run (ml/evaluation.py backtest).
with parameters as (
    select
        max(cast(value as double)) filter (where parameter = 'readiness_probability_threshold') as threshold,
        max(cast(value as double)) filter (where parameter = 'readiness_target_composite') as target_composite
    from {{ source('config', 'lpss_parameters') }}
),

scored as (
    select
        p.employee_id,
        p.month,
        cast(date_trunc('quarter', p.month) as date) as quarter,
        p.promotion_probability,
        p.model_version,
        f.composite_score,
        l.promoted_within_window
    from {{ source('ml', 'readiness_predictions') }} as p
    inner join {{ ref('readiness_features') }} as f on f.employee_id = p.employee_id and f.month = p.month
    inner join {{ ref('readiness_labels') }} as l on l.employee_id = p.employee_id and l.month = p.month
    where l.window_closed
),

quarter_ends as (
    select *
    from scored
    qualify row_number() over (partition by quarter, employee_id order by month desc) = 1
),

calls as (
    select quarter, employee_id, model_version, promoted_within_window, 'model' as method,
        promotion_probability >= p.threshold as called_ready
    from quarter_ends cross join parameters as p
    union all
    select quarter, employee_id, model_version, promoted_within_window, 'rule' as method,
        coalesce(round(composite_score, 1) >= p.target_composite, false) as called_ready
    from quarter_ends cross join parameters as p
),

final as (
    select
        quarter,
        method,
        any_value(model_version) as model_version,
        count(*) as people,
        count(*) filter (where called_ready) as called_ready,
        count(*) filter (where promoted_within_window) as promoted,
        count(*) filter (where called_ready and promoted_within_window) as called_ready_and_promoted
    from calls
    group by quarter, method
)

select
    *,
    called_ready_and_promoted / nullif(called_ready, 0) as accuracy,
    called_ready_and_promoted / nullif(promoted, 0) as recall
from final
