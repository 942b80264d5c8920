"""Sensors: react to new export batches in the landing zone."""

import hashlib

import dagster as dg

from lpss_pipeline.contract import entities_of
from lpss_pipeline.ingestion.receipts import unhandled_batches
from lpss_pipeline.jobs import ingest_job
from lpss_pipeline.resources import LandingZoneResource


@dg.sensor(job=ingest_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def export_batch_sensor(context: dg.SensorEvaluationContext, landing: LandingZoneResource):
    """Launch the ingest of a system whenever a complete batch (manifest present) has no receipt.

    Batches already loaded, by a run or by ``lpss ingest``, have a receipt and are skipped; the
    run key (batches and their manifests) keeps the same set from being launched twice.
    """
    pending = unhandled_batches(landing.landing_path, landing.receipts_path)
    if not pending:
        return dg.SkipReason("no new complete export batches")
    requests = []
    for system in sorted({b.system for b in pending}):
        batches = [b for b in pending if b.system == system]
        identity = ",".join(f"{b.batch_id}@{b.manifest_sha256}" for b in batches)
        requests.append(
            dg.RunRequest(
                run_key=f"{system}:{hashlib.sha256(identity.encode()).hexdigest()[:16]}",
                asset_selection=[dg.AssetKey(e.asset_key) for e in entities_of(system)],
                tags={"lpss/system": system, "lpss/batches": ",".join(b.batch_id for b in batches)},
            )
        )
    return requests
