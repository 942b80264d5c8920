"""Dagster resources: the DuckDB warehouse, the landing zone, where data-quality evidence goes, MLflow."""

from __future__ import annotations

from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.truth import TRUTH_FILE

from .landing_zone import LandingZoneResource
from .mlflow_store import MlflowResource
from .quality import QualityResource
from .warehouse import WarehouseResource


def file_resources(settings: Settings) -> dict:
    """The resources that are files under ``LPSS_HOME``, configured from one Settings."""
    return {
        "warehouse": WarehouseResource(
            path=str(settings.warehouse_path), published_path=str(settings.published_path)
        ),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir), receipts_dir=str(settings.receipts_dir)
        ),
        "quality": QualityResource(
            quarantine_dir=str(settings.quarantine_dir),
            outbox_dir=str(settings.outbox_dir),
            gx_dir=str(settings.gx_dir),
            data_docs_dir=str(settings.data_docs_dir),
        ),
        "mlflow": MlflowResource(
            tracking_uri=settings.mlflow_tracking_uri,
            artifacts_dir=str(settings.mlartifacts_dir),
            truth_file=str(settings.truth_dir / TRUTH_FILE),
        ),
    }


__all__ = ["LandingZoneResource", "MlflowResource", "QualityResource", "WarehouseResource", "file_resources"]
