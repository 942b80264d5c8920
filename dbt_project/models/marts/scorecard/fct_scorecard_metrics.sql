-- Why a score is what it is: every metric behind every scorecard. Grain: leader x month x metric.
-- contribution is the metric's points in the composite (metric score x re-normalised weight in
-- category x category weight); a metric with no input has no row.
select
    employee_id,
    month,
    metric_id,
    category,
    raw_value,
    metric_score,
    weight_in_category,
    contribution,
    configured_weight_in_category,
    floor,
    target,
    config_version
from {{ ref('int_scorecard_metrics_scored') }}
