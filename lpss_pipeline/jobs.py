"""Jobs: what a person or a sensor can launch."""

from __future__ import annotations

import dagster as dg

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingestion"),
    description="Load every complete export batch not loaded yet into raw.*",
)

pipeline_job = dg.define_asset_job(
    "pipeline_job",
    selection=dg.AssetSelection.all(),
    description="Ingest new batches, then materialize everything downstream.",
)
