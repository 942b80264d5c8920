"""The MLflow store: where runs and the registry live, and the champion read back from it.

Default store: ``sqlite:///<LPSS_HOME>/mlflow.db`` with artifacts under ``LPSS_HOME/mlartifacts``
(set by the caller; ``MLFLOW_TRACKING_URI`` overrides the store); in a copied home the default store's
artifact locations follow the copy (ml/relocation.py). The registered model
``lpss-readiness`` carries the alias ``champion``; predictions load the model through
``models:/lpss-readiness@champion`` and read how to use it from the version's tags.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import mlflow
import mlflow.xgboost
import pandas as pd
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from xgboost import XGBClassifier

from .relocation import home_store, relocate_artifact_root

MODEL_NAME = "lpss-readiness"
EXPERIMENT = "lpss-readiness"
CHAMPION = "champion"
CHAMPION_URI = f"models:/{MODEL_NAME}@{CHAMPION}"

# model-version tags that make a registered model usable on its own
TAG_FEATURES = "features"
TAG_SHIFT = "prior_log_odds_shift"
TAG_TRAIN_END = "train_end_month"


@dataclass(frozen=True)
class Tracking:
    tracking_uri: str
    artifacts_dir: Path

    def activate(self) -> MlflowClient:
        """Point MLflow at this store and the lpss experiment (created on first use); a store in a
        copied or moved LPSS_HOME first has its artifact locations moved along (ml/relocation.py)."""
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        store = home_store(self.tracking_uri, self.artifacts_dir)
        if store is not None:
            relocate_artifact_root(store, EXPERIMENT, self.artifacts_dir)
        mlflow.set_tracking_uri(self.tracking_uri)
        mlflow.set_registry_uri(self.tracking_uri)
        if mlflow.get_experiment_by_name(EXPERIMENT) is None:
            self.artifacts_dir.mkdir(parents=True, exist_ok=True)
            mlflow.create_experiment(EXPERIMENT, artifact_location=self.artifacts_dir.resolve().as_uri())
        mlflow.set_experiment(EXPERIMENT)
        return MlflowClient(self.tracking_uri, registry_uri=self.tracking_uri)


@dataclass(frozen=True)
class Champion:
    classifier: XGBClassifier
    version: str
    run_id: str
    features: tuple[str, ...]
    prior_log_odds_shift: float
    train_end: pd.Timestamp


def champion_model_version(client: MlflowClient) -> ModelVersion | None:
    try:
        return client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    except MlflowException:  # no registered model yet, or no champion alias
        return None


def load_champion(tracking: Tracking) -> Champion | None:
    """The model behind ``models:/lpss-readiness@champion``, or None before the first champion."""
    version = champion_model_version(tracking.activate())
    if version is None:
        return None
    classifier = mlflow.xgboost.load_model(CHAMPION_URI)
    return Champion(
        classifier=classifier,
        version=str(version.version),
        run_id=version.run_id,
        features=tuple(version.tags[TAG_FEATURES].split(",")),
        prior_log_odds_shift=float(version.tags[TAG_SHIFT]),
        train_end=pd.Timestamp(version.tags[TAG_TRAIN_END]),
    )


def champion_metrics(tracking: Tracking) -> tuple[str, dict[str, float]] | None:
    """The champion's version and the metrics of the run that trained it, or None."""
    client = tracking.activate()
    version = champion_model_version(client)
    if version is None:
        return None
    return str(version.version), dict(client.get_run(version.run_id).data.metrics)
