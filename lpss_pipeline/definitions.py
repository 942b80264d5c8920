"""The lpss Dagster code location: assets, jobs, sensors and resources, assembled."""

from __future__ import annotations

import dagster as dg

from lpss_pipeline.assets.ingest import ingest_assets
from lpss_pipeline.jobs import ingest_job, pipeline_job
from lpss_pipeline.resources import LandingZoneResource, WarehouseResource
from lpss_pipeline.sensors import export_batch_sensor
from lpss_pipeline.settings import load_settings

settings = load_settings()

defs = dg.Definitions(
    assets=[*ingest_assets],
    jobs=[ingest_job, pipeline_job],
    sensors=[export_batch_sensor],
    resources={
        "warehouse": WarehouseResource(path=str(settings.warehouse_path)),
        "landing": LandingZoneResource(
            landing_dir=str(settings.landing_dir), receipts_dir=str(settings.receipts_dir)
        ),
    },
)
