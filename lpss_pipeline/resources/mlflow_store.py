"""The MLflow store as a Dagster resource (tracking + registry URI and the artifact folder)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


class MlflowResource(dg.ConfigurableResource):
    """Where readiness-model runs, models and the ``lpss-readiness`` registry live."""

    tracking_uri: str
    artifacts_dir: str
    truth_file: str = ""  # the generator's latent truth: evaluation only, never a feature

    def has_store(self) -> bool:
        """False only for a local sqlite store not created yet: then there is no champion, and the
        step need not import MLflow nor create the database to find that out."""
        prefix = "sqlite:///"
        return not self.tracking_uri.startswith(prefix) or Path(self.tracking_uri[len(prefix) :]).exists()

    def tracking(self):
        from ml.tracking import Tracking  # imports MLflow: only when a step needs it

        return Tracking(self.tracking_uri, Path(self.artifacts_dir))
