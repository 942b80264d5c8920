"""Jobs: what a person, a schedule or a sensor can launch."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

from lpss_pipeline.assets.dbt import lpss_dbt_models
from lpss_pipeline.checks.raw import raw_checks

PUBLISHED = dg.AssetSelection.groups("publishing")
SUCCESSION_MARTS = "+fct_succession_coverage +fct_succession_bench_strength +fct_leadership_bench"

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.groups("ingestion"),
    description="Load every complete export batch not loaded yet into raw.*",
)

pipeline_job = dg.define_asset_job(
    "pipeline_job",
    selection=dg.AssetSelection.all(),
    description="Ingest new batches, build every model with its tests, publish the marts.",
)

succession_job = dg.define_asset_job(
    "succession_job",
    selection=build_dbt_asset_selection([lpss_dbt_models], dbt_select=SUCCESSION_MARTS) | PUBLISHED,
    description="Rebuild succession coverage, bench strength and the bench tracker from loaded data, "
    "with their tests, and republish.",
)

data_integrity_job = dg.define_asset_job(
    "data_integrity_job",
    selection=dg.AssetSelection.checks(*raw_checks),
    config={"ops": {c.node_def.name: {"config": {"recheck_latest": True}} for c in raw_checks}},
    description="Every data-integrity check on the raw data, without loading anything: validates batches "
    "not validated yet (else the latest good one) and the freshness of each system.",
)
