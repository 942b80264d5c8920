"""The MLflow store as a Dagster resource (tracking + registry URI and the artifact folder)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from lpss_pipeline.settings import mlflow_store_exists


class MlflowResource(dg.ConfigurableResource):
    """Where readiness-model runs, models and the ``lpss-readiness`` registry live."""

    tracking_uri: str
    artifacts_dir: str
    truth_file: str = ""  # the generator's latent truth: evaluation only, never a feature

    def has_store(self) -> bool:
        return mlflow_store_exists(self.tracking_uri)

    def tracking(self):
        from ml.tracking import Tracking  # imports MLflow: only when a step needs it

        return Tracking(self.tracking_uri, Path(self.artifacts_dir))
