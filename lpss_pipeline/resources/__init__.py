"""Dagster resources: the DuckDB warehouse, the configuration folder, the landing zone, data-quality
evidence, MLflow, Slack."""

from __future__ import annotations

import os

from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.truth import TRUTH_FILE

from .configuration import ConfigurationResource
from .dashboard import DashboardStoreResource
from .landing_zone import LandingZoneResource
from .mlflow_store import MlflowResource
from .quality import QualityResource
from .slack import SlackResource
from .warehouse import WarehouseResource


def file_resources(settings: Settings) -> dict:
    """The resources that are files under ``LPSS_HOME``, configured from one Settings."""
    return {
        "warehouse": WarehouseResource(
            path=str(settings.warehouse_path),
            published_path=str(settings.published_path),
            lake_dir=str(settings.lake_dir),
            spark_dir=str(settings.spark_dir),
        ),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir),
            receipts_dir=str(settings.receipts_dir),
            config_dir=str(settings.config_dir),
        ),
        "configuration": ConfigurationResource(
            config_dir=str(settings.config_dir), history_dir=str(settings.config_history_dir)
        ),
        "quality": QualityResource(
            quarantine_dir=str(settings.quarantine_dir),
            gx_dir=str(settings.gx_dir),
            data_docs_dir=str(settings.data_docs_dir),
        ),
        "mlflow": MlflowResource(
            tracking_uri=settings.mlflow_tracking_uri,
            artifacts_dir=str(settings.mlartifacts_dir),
            truth_file=str(settings.truth_dir / TRUTH_FILE),
        ),
        "dashboard": DashboardStoreResource(store_path=str(settings.dashboard_store_path)),
        "slack": SlackResource(
            outbox_dir=str(settings.outbox_dir),
            base_url=os.environ.get("LPSS_SLACK_BASE_URL") or "https://slack.com/api/",
            link=os.environ.get("LPSS_ALERT_LINK") or "http://127.0.0.1:3000/assets/marts/fct_alerts",
        ),
    }


__all__ = [
    "ConfigurationResource",
    "DashboardStoreResource",
    "LandingZoneResource",
    "MlflowResource",
    "QualityResource",
    "SlackResource",
    "WarehouseResource",
    "file_resources",
]
