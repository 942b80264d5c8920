"""The promotion-readiness model (SPEC section 8): training with a gated champion, and predictions.

Glue only: the model lives in ``ml/``. Both assets read the warehouse, and predictions write it,
so both run in the warehouse pool; MLflow and XGBoost are imported inside the steps.
"""

from pathlib import Path

import dagster as dg

from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.resources import MlflowResource, WarehouseResource

FEATURES_KEY = dg.AssetKey(["ml", "readiness_features"])
LABELS_KEY = dg.AssetKey(["ml", "readiness_labels"])
MODEL_KEY = dg.AssetKey(["ml", "readiness_model"])
PREDICTIONS_KEY = dg.AssetKey(["ml", "readiness_predictions"])


@dg.asset(
    key=MODEL_KEY,
    group_name="readiness_model",
    deps=[FEATURES_KEY, LABELS_KEY],
    kinds={"xgboost", "mlflow"},
    pool=WAREHOUSE_POOL,
    description="Train the XGBoost readiness model on the older labelled months, judge it on the latest "
    "ones against the champion and the rule composite >= 85, register it as lpss-readiness and move the "
    "champion alias only when it wins. Quarterly (readiness_training_schedule) and in every full run.",
)
def readiness_model(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, mlflow: MlflowResource
) -> dg.MaterializeResult:
    from ml.champion import train_and_register
    from ml.frames import NotTrained, read_frame, read_parameters, trainable_features, untracked_entities
    from ml.interrupted import DAGSTER_RUN_TAG
    from ml.training import TrainingParams

    try:
        with warehouse.connect(read_only=True) as con:
            parameters = read_parameters(con)
            features, left_out = trainable_features(untracked_entities(con))
            frame = read_frame(con, max_rows=parameters.training_max_rows)
        outcome = train_and_register(
            frame,
            parameters,
            mlflow.tracking(),
            Path(mlflow.truth_file),
            TrainingParams(features=features),
            run_tags={DAGSTER_RUN_TAG: context.run_id},  # a recovery ends the MLflow run of a dead run
        )
    except NotTrained as reason:  # an expected state of the data, not a failure: the champion stays
        context.log.warning(f"readiness model not trained: {reason}")
        return dg.MaterializeResult(metadata={"trained": False, "reason": f"not trained: {reason}"})
    context.log.info(f"lpss-readiness v{outcome.version}: {outcome.decision.reason}")
    figures = {k: dg.MetadataValue.float(round(v, 4)) for k, v in sorted(outcome.metrics.items())}
    return dg.MaterializeResult(
        metadata={
            "trained": True,
            "mlflow_run_id": outcome.run_id,
            "registered_version": outcome.version,
            "champion_decision": "promoted" if outcome.decision.promote else "kept",
            "champion_reason": outcome.decision.reason,
            "champion_version": outcome.champion_version or "none",
            "features_left_out": "; ".join(
                f"{', '.join(names)} ({entity} is not tracked)" for entity, names in left_out.items()
            )
            or "none",
            **{k: str(v) for k, v in outcome.split.items()},
            **figures,
        }
    )


@dg.asset(
    key=PREDICTIONS_KEY,
    group_name="readiness_model",
    deps=[MODEL_KEY, FEATURES_KEY, LABELS_KEY],
    kinds={"xgboost", "duckdb"},
    pool=WAREHOUSE_POOL,
    description="ml.readiness_predictions: the champion's (models:/lpss-readiness@champion) probability of "
    "promotion within the window and its top three feature contributions, per person-month after its "
    "training window. Read by fct_promotion_readiness and fct_leadership_bench.",
)
def readiness_predictions(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, mlflow: MlflowResource
) -> dg.MaterializeResult:
    from ml.forecast import clear_predictions, predict_with_champion
    from ml.frames import label_not_tracked, untracked_entities

    outcome = None
    with warehouse.connect() as con:
        untracked = label_not_tracked(untracked_entities(con))
        if untracked:  # a forecast of promotions the organisation does not track: readiness unknown
            clear_predictions(con)
        elif mlflow.has_store():
            outcome = predict_with_champion(con, mlflow.tracking())
    if outcome is None:
        reason = untracked or "no champion readiness model yet (see ml/readiness_model)"
        context.log.warning(f"no readiness predictions: {reason}; promotion probabilities stay unknown")
        return dg.MaterializeResult(
            metadata={"champion_version": "none", "rows": 0, "reason": f"readiness unknown: {reason}"}
        )
    return dg.MaterializeResult(
        metadata={
            "champion_version": outcome.model_version,
            "rows": outcome.rows,
            "months_scored": outcome.months_scored,
            "months_reused": outcome.months_reused,
            "months": f"{outcome.first_month} .. {outcome.last_month}",
        }
    )


readiness_assets = [readiness_model, readiness_predictions]
