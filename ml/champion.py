"""Train, evaluate, register, and decide whether the new model becomes the champion.

Every trained model is registered as a new version of ``lpss-readiness``. The alias
``champion`` moves to it only when, on the same validation months, its ROC AUC beats both the
current champion's and the rule "composite >= 85"'s; the decision and its figures are logged
on the run (tags ``champion_decision``/``champion_reason``, ``champion_decision.json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path

import matplotlib.pyplot as plt
import mlflow
import mlflow.xgboost
import numpy as np
import pandas as pd
from mlflow.models import infer_signature

from .evaluation import (
    backtest,
    calibration_table,
    classification_scores,
    model_scores,
    oracle_roc_auc,
    pooled,
    rule_calls,
)
from .frames import LABEL, Parameters, TimeSplit, feature_matrix, split_by_time
from .plots import calibration_plot, importance_plot
from .predict import probabilities
from .tracking import (
    CHAMPION,
    MODEL_NAME,
    TAG_FEATURES,
    TAG_SHIFT,
    TAG_TRAIN_END,
    Champion,
    Tracking,
    load_champion,
)
from .training import TrainingParams, fit

PIP_REQUIREMENTS = ("xgboost-cpu", "scikit-learn", "pandas", "numpy")
NOTE_TAG = "mlflow.note.content"  # the run's description in the MLflow UI

MODEL_DESCRIPTION = (
    "lpss promotion-readiness model (SPEC section 8). For a person at leadership levels 0-3 in a month, "
    "the probability of a promotion to a higher level within promotion_window_months (12) after it. "
    "XGBoost on the features of dbt's ml.readiness_features (scorecard scores and trend, competencies, "
    "IDP progress, training and mentoring, tenure and time in level, succession nominations, readiness "
    "assessments; only data dated on or before the month), labelled by ml.readiness_labels. "
    "Every training registers a version; the alias `champion` moves to it only when its validation "
    "ROC AUC beats the current champion's and the rule 'composite >= 85' on the same months. "
    "Predictions (ml.readiness_predictions, then fct_promotion_readiness and fct_leadership_bench) "
    "come from models:/lpss-readiness@champion."
)
"""The registered model's description, set on every training (what a newcomer reads in the registry)."""


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str


def decide(candidate_auc: float, rule_auc: float, champion_auc: float | None) -> Decision:
    """The gate: strictly better than the rule and than the current champion (if any)."""
    if not candidate_auc > rule_auc:
        return Decision(False, f"val ROC AUC {candidate_auc:.4f} does not beat the rule's {rule_auc:.4f}")
    if champion_auc is not None and not candidate_auc > champion_auc:
        return Decision(
            False, f"val ROC AUC {candidate_auc:.4f} does not beat the champion's {champion_auc:.4f}"
        )
    against = "no champion yet" if champion_auc is None else f"champion {champion_auc:.4f}"
    return Decision(True, f"val ROC AUC {candidate_auc:.4f} beats the rule {rule_auc:.4f} and {against}")


@dataclass(frozen=True)
class TrainingOutcome:
    run_id: str
    version: str
    metrics: dict[str, float]
    decision: Decision
    champion_version: str | None  # after the decision
    split: dict[str, str | int]


def _champion_auc(champion: Champion | None, validation: pd.DataFrame) -> float | None:
    if champion is None:
        return None
    p = probabilities(champion.classifier, champion.features, champion.prior_log_odds_shift, validation)
    return classification_scores(validation[LABEL], p, "champion_val")["champion_val_roc_auc"]


def _months(part: pd.DataFrame) -> str:
    return f"{part['month'].min():%Y-%m}..{part['month'].max():%Y-%m}"


def run_name(split: TimeSplit) -> str:
    """What the run is, readable in the MLflow UI's run list."""
    return (
        f"readiness model trained through {split.train_end:%Y-%m} (validated on {_months(split.validation)})"
    )


def _note(
    split: TimeSplit, described: dict, features: list[str], metrics: dict[str, float], decision: Decision
) -> str:
    """The run's description (Markdown, tag mlflow.note.content)."""
    figures = ", ".join(
        f"{name} {metrics[key]:.3f}"
        for name, key in (
            ("model", "val_roc_auc"),
            ("rule composite >= 85", "rule_val_roc_auc"),
            ("champion", "champion_val_roc_auc"),
        )
        if key in metrics and not math.isnan(metrics[key])
    )
    return (
        "Training run of the lpss promotion-readiness model (XGBoost): will a person at levels 0-3 be "
        "promoted to a higher level within the promotion window after the month?\n\n"
        f"- Trained on {described['train_rows']:,} person-months, {described['train_months']}.\n"
        f"- Validated on {described['validation_rows']:,} person-months, {_months(split.validation)} "
        "(the latest months whose outcome is known; split by time, never at random).\n"
        f"- {len(features)} features from dbt's ml.readiness_features.\n"
        f"- Validation ROC AUC: {figures}.\n"
        f"- Champion decision: {'promoted' if decision.promote else 'kept'}: {decision.reason}.\n\n"
        "Artifacts: calibration.png, feature_importance.png, backtest.csv, champion_decision.json."
    )


def _log_figures(validation: pd.DataFrame, probability: np.ndarray, model) -> None:
    table = calibration_table(validation[LABEL], probability)
    mlflow.log_text(table.to_csv(index=False), "calibration.csv")
    _log_figure(calibration_plot(table), "calibration.png")
    gains = model.classifier.get_booster().get_score(importance_type="gain")
    importances = pd.Series({f: float(gains.get(f, 0.0)) for f in model.features})
    mlflow.log_dict(importances.to_dict(), "feature_importance.json")
    _log_figure(importance_plot(importances), "feature_importance.png")


def _log_figure(figure, name: str) -> None:
    mlflow.log_figure(figure, name)
    plt.close(figure)


def train_and_register(
    frame: pd.DataFrame,
    parameters: Parameters,
    tracking: Tracking,
    truth_file: Path,
    params: TrainingParams | None = None,
    run_tags: dict[str, str] | None = None,
) -> TrainingOutcome:
    """One MLflow run (tagged with ``run_tags``): fit on the older months, judge on the validation
    months, register, gate."""
    params = params or TrainingParams()
    split = split_by_time(frame, parameters.validation_months)
    described = split.describe()
    client = tracking.activate()
    champion = load_champion(tracking)
    validation, labels = split.validation, split.validation[LABEL]
    with mlflow.start_run(run_name=run_name(split), tags=run_tags) as run:
        mlflow.log_params({**params.logged(), **described, **vars(parameters)})
        model = fit(split.train, params)
        probability = probabilities(model.classifier, model.features, model.prior_log_odds_shift, validation)
        rule = rule_calls(validation, parameters.rule_composite)
        composite = validation["composite_score"].fillna(-1.0).to_numpy()
        metrics = {
            **model_scores(labels, probability),
            **classification_scores(labels, rule.astype(float), "rule_val"),
            # the composite itself as a continuous score: what the rule could do at its best cut
            **classification_scores(labels, composite, "composite_val"),
        }
        oracle = oracle_roc_auc(validation, truth_file)
        if oracle is not None:
            metrics["oracle_val_roc_auc"] = oracle
        table = backtest(validation, {"model": probability >= parameters.ready_threshold, "rule": rule})
        metrics |= pooled(table, "model") | pooled(table, "rule")
        mlflow.log_text(table.to_csv(index=False), "backtest.csv")
        _log_figures(validation, probability, model)

        sample = feature_matrix(split.train.head(200), model.features)
        info = mlflow.xgboost.log_model(
            model.classifier,
            name="model",
            signature=infer_signature(sample, model.classifier.predict(sample)),
            pip_requirements=[f"{p}=={installed_version(p)}" for p in PIP_REQUIREMENTS],
            registered_model_name=MODEL_NAME,
        )
        version = str(info.registered_model_version)
        for key, value in {
            TAG_FEATURES: ",".join(model.features),
            TAG_SHIFT: repr(model.prior_log_odds_shift),
            TAG_TRAIN_END: f"{split.train_end:%Y-%m-%d}",
            "val_roc_auc": f"{metrics['val_roc_auc']:.6f}",
        }.items():
            client.set_model_version_tag(MODEL_NAME, version, key, value)

        champion_auc = _champion_auc(champion, validation)
        if champion_auc is not None:
            metrics["champion_val_roc_auc"] = champion_auc
        decision = decide(metrics["val_roc_auc"], metrics["rule_val_roc_auc"], champion_auc)
        if decision.promote:
            client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
        client.update_registered_model(MODEL_NAME, description=MODEL_DESCRIPTION)
        client.update_model_version(
            MODEL_NAME,
            version,
            description=f"{run_name(split)}. Validation ROC AUC {metrics['val_roc_auc']:.3f} (rule "
            f"{metrics['rule_val_roc_auc']:.3f}). "
            + (
                f"Champion from this training: {decision.reason}."
                if decision.promote
                else f"Not the champion: {decision.reason}."
            ),
        )
        mlflow.log_metrics({k: v for k, v in metrics.items() if not math.isnan(v)})
        mlflow.set_tags(
            {
                "champion_decision": "promoted" if decision.promote else "kept",
                "champion_reason": decision.reason,
                "registered_version": version,
                NOTE_TAG: _note(split, described, model.features, metrics, decision),
            }
        )
        mlflow.log_dict(
            {
                "candidate_version": version,
                "previous_champion_version": champion.version if champion else None,
                "candidate_val_roc_auc": metrics["val_roc_auc"],
                "rule_val_roc_auc": metrics["rule_val_roc_auc"],
                "champion_val_roc_auc": champion_auc,
                "promoted": decision.promote,
                "reason": decision.reason,
                "validation_months": described["validation_months"],
            },
            "champion_decision.json",
        )
    return TrainingOutcome(
        run_id=run.info.run_id,
        version=version,
        metrics=metrics,
        decision=decision,
        champion_version=version if decision.promote else (champion.version if champion else None),
        split=described,
    )
