"""How good a readiness score is, on validation rows the model never saw.

The same measures are taken of the model, of the rule "composite >= 85" (SPEC section 8: the
model must beat it) and, when the generator's latent truth exists, of the oracle that knows each
person's true readiness: the ceiling any model could reach on this organisation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from .frames import LABEL

CALIBRATION_BINS = 10


def rule_calls(frame: pd.DataFrame, rule_composite: float) -> np.ndarray:
    """The rule "composite >= 85": the band boundary, read from the composite rounded to one
    decimal as the scorecard does; no complete scorecard (or level 0) is not ready."""
    return (frame["composite_score"].round(1) >= rule_composite).to_numpy()


def classification_scores(labels: pd.Series, scores: np.ndarray, prefix: str) -> dict[str, float]:
    y = labels.astype(int).to_numpy()
    return {
        f"{prefix}_roc_auc": float(roc_auc_score(y, scores)),
        f"{prefix}_pr_auc": float(average_precision_score(y, scores)),
    }


def model_scores(labels: pd.Series, probability: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR AUC and the Brier score of the model's probabilities."""
    scores = classification_scores(labels, probability, "val")
    scores["val_brier"] = float(brier_score_loss(labels.astype(int), probability))
    scores["val_base_rate"] = float(labels.mean())
    return scores


def calibration_table(labels: pd.Series, probability: np.ndarray) -> pd.DataFrame:
    observed, predicted = calibration_curve(
        labels.astype(int), probability, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    return pd.DataFrame({"mean_predicted": predicted, "observed_rate": observed})


def backtest(frame: pd.DataFrame, calls: dict[str, np.ndarray]) -> pd.DataFrame:
    """Promotion Readiness Accuracy and recall per quarter and method.

    Each person counts once per quarter, at their last month in it: called ready or not then, and
    promoted within the window after that month or not. Accuracy = promoted among those called
    ready (SPEC section 4); recall = called ready among those promoted. The mart
    marts.fct_readiness_backtest applies the same definition to the champion's predictions.
    """
    base = frame[["employee_id", "month", LABEL]].copy()
    base["quarter"] = base["month"].dt.to_period("Q").dt.start_time
    last = base.groupby(["quarter", "employee_id"])["month"].transform("max") == base["month"]
    parts = []
    for method, called in calls.items():
        part = base[last].assign(method=method, called_ready=called[last.to_numpy()])
        part["hit"] = part["called_ready"] & part[LABEL].astype(bool)
        parts.append(part)
    rows = pd.concat(parts)
    table = (
        rows.groupby(["quarter", "method"])
        .agg(
            people=("employee_id", "size"),
            called_ready=("called_ready", "sum"),
            promoted=(LABEL, "sum"),
            called_ready_and_promoted=("hit", "sum"),
        )
        .reset_index()
    )
    table["accuracy"] = table["called_ready_and_promoted"] / table["called_ready"].replace(0, np.nan)
    table["recall"] = table["called_ready_and_promoted"] / table["promoted"].replace(0, np.nan)
    return table


def pooled(table: pd.DataFrame, method: str) -> dict[str, float]:
    """Accuracy and recall of one method over every quarter of a backtest table."""
    rows = table[table["method"] == method]
    hits = rows["called_ready_and_promoted"].sum()
    called, promoted = rows["called_ready"].sum(), rows["promoted"].sum()
    return {
        f"val_{method}_accuracy": float(hits / called) if called else float("nan"),
        f"val_{method}_recall": float(hits / promoted) if promoted else float("nan"),
    }


def oracle_roc_auc(validation: pd.DataFrame, truth_file: Path) -> float | None:
    """ROC AUC of the generator's latent readiness on the validation rows (evaluation only: the
    truth never reaches a feature). None when there is no truth (real, not generated, data)."""
    if not truth_file.exists():
        return None
    truth = pd.read_parquet(truth_file, columns=["employee_id", "month", "latent_readiness"])
    truth["month"] = pd.to_datetime(truth["month"])
    rows = validation[["employee_id", "month", LABEL]].merge(truth, on=["employee_id", "month"], how="inner")
    if rows[LABEL].nunique() < 2:
        return None
    return float(roc_auc_score(rows[LABEL].astype(int), rows["latent_readiness"]))
