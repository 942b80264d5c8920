"""Jobs: what a person, a schedule or a sensor can launch."""

from __future__ import annotations

import operator
from functools import reduce

import dagster as dg
from dagster_dbt import build_dbt_asset_selection

from lpss_pipeline.assets.dbt import dbt_assets_defs
from lpss_pipeline.assets.readiness import MODEL_KEY
from lpss_pipeline.checks.raw import raw_checks

PUBLISHED = dg.AssetSelection.groups("publishing")
CONFIGURATION = dg.AssetSelection.groups("configuration")
IN_PROCESS = dg.in_process_executor
"""For every multi-step job: each step writes the warehouse, so the pool runs them one at a time
anyway, and a process per step would import the definitions (3-7 s) again for each step."""
SUCCESSION_MARTS = "+fct_succession_coverage +fct_succession_bench_strength +fct_leadership_bench"

ingest_job = dg.define_asset_job(
    "ingest_job",
    executor_def=IN_PROCESS,
    selection=dg.AssetSelection.groups("sources", "raw"),
    description="Map every complete vendor batch not mapped yet, then load every complete export batch "
    "not loaded yet into raw.*",
)

pipeline_job = dg.define_asset_job(
    "pipeline_job",
    executor_def=IN_PROCESS,
    selection=dg.AssetSelection.all(),
    description="Everything: ingest new batches, build every model with its tests, retrain the readiness "
    "model (champion gated), predict with the champion, publish the marts.",
)

scorecard_job = dg.define_asset_job(
    "scorecard_job",
    executor_def=IN_PROCESS,
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(MODEL_KEY),
    description="The monthly build: ingest, build every model with its tests, predict readiness with the "
    "current champion (no retraining), publish the marts.",
)

readiness_training_job = dg.define_asset_job(
    "readiness_training_job",
    executor_def=IN_PROCESS,
    selection=dg.AssetSelection.assets(MODEL_KEY).downstream(),
    description="Retrain the readiness model on the loaded data; if it becomes the champion its "
    "predictions flow into the readiness marts, which are rebuilt and republished.",
)

succession_job = dg.define_asset_job(
    "succession_job",
    executor_def=IN_PROCESS,
    selection=reduce(
        operator.or_,
        [build_dbt_asset_selection([d], dbt_select=SUCCESSION_MARTS) for d in dbt_assets_defs],
        PUBLISHED | CONFIGURATION,
    ),
    description="Load the configuration, rebuild succession coverage, bench strength and the bench tracker "
    "from loaded data, with their tests, and republish.",
)

data_integrity_job = dg.define_asset_job(
    "data_integrity_job",
    selection=dg.AssetSelection.checks(*raw_checks),
    config={"ops": {c.node_def.name: {"config": {"recheck_latest": True}} for c in raw_checks}},
    description="Every data-integrity check on the raw data, without loading anything: validates batches "
    "not validated yet (else the latest good one) and the freshness of each system.",
)
