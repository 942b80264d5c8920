"""Dagster resources: the DuckDB warehouse, the landing zone, and where data-quality evidence goes."""

from __future__ import annotations

from lpss_pipeline.settings import Settings

from .landing_zone import LandingZoneResource
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
    }


__all__ = ["LandingZoneResource", "QualityResource", "WarehouseResource", "file_resources"]
