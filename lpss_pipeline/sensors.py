"""Sensors: new export batches, pending alert deliveries, overdue reviews, failed runs.

None opens the warehouse (an open connection makes dbt fail to lock it): the export sensor reads
receipts, the alert sensors the state file the delivery steps rewrite (alerting/state.py).
"""

import hashlib
from datetime import datetime
from pathlib import Path

import dagster as dg

from lpss_pipeline.alerting.dispatch import utc_now
from lpss_pipeline.alerting.messages import escape
from lpss_pipeline.alerting.reviews import is_overdue
from lpss_pipeline.alerting.service import parameter
from lpss_pipeline.alerting.state import read_state
from lpss_pipeline.assets.alerts import alert_delivery_job, review_escalation_job
from lpss_pipeline.assets.mapping import source_key
from lpss_pipeline.config import channel
from lpss_pipeline.contract import entities_of
from lpss_pipeline.ingestion.receipts import unhandled_batches
from lpss_pipeline.jobs import ingest_job
from lpss_pipeline.mapping.batches import pending_by_source
from lpss_pipeline.recovery.home import recover
from lpss_pipeline.resources import LandingZoneResource, SlackResource
from lpss_pipeline.settings import load_settings

INTERVAL_SECONDS = 15
"""How often the export and alert sensors look: each reads a folder or one small file, and the two
in a row bound how long a landed batch takes to become a delivered alert (README, Performance)."""


@dg.sensor(
    job=ingest_job, minimum_interval_seconds=INTERVAL_SECONDS, default_status=dg.DefaultSensorStatus.RUNNING
)
def export_batch_sensor(context: dg.SensorEvaluationContext, landing: LandingZoneResource):
    """Launch the ingest of a system whenever a complete batch (manifest present) has no receipt,
    or a complete vendor batch of one of its mapped sources has none (mapped first, then loaded).

    Batches already loaded, by a run or by ``lpss ingest``, have a receipt and are skipped; the
    run key (batches and their manifests or files) keeps the same set from being launched twice.
    A source whose mapping file cannot be read runs alone, once per version of the file, so that
    its failure (the file and key) reaches the data channel instead of the batch waiting unseen.
    """
    work: dict[str, list[tuple[str, str]]] = {}
    sources: dict[str, list[dg.AssetKey]] = {}
    for b in unhandled_batches(landing.landing_path, landing.receipts_path):
        work.setdefault(b.system, []).append((b.batch_id, b.manifest_sha256))
    found, broken = pending_by_source(landing.config_path, landing.landing_path, landing.receipts_path)
    for mapping, batches in found:
        sources.setdefault(mapping.system, []).append(source_key(mapping.source))
        work.setdefault(mapping.system, []).extend((v.label, v.fingerprint()) for v in batches)
    # A mapping file that cannot be read: its source runs alone, and fails naming the file and key.
    requests = [
        dg.RunRequest(
            run_key=f"{name}:mapping:{sha[:16]}",
            asset_selection=[source_key(name)],
            tags={"lpss/source": name},
        )
        for name, sha in sorted(broken.items())
    ]
    if not work and not requests:
        return dg.SkipReason("no new complete export batches")
    for system in sorted(work):
        identity = ",".join(f"{batch}@{sha}" for batch, sha in work[system])
        requests.append(
            dg.RunRequest(
                run_key=f"{system}:{hashlib.sha256(identity.encode()).hexdigest()[:16]}",
                asset_selection=[
                    *sources.get(system, []),
                    *(dg.AssetKey(e.asset_key) for e in entities_of(system)),
                ],
                tags={"lpss/system": system, "lpss/batches": ",".join(batch for batch, _ in work[system])},
            )
        )
    return requests


def _now() -> datetime:
    return utc_now()


@dg.sensor(
    job=alert_delivery_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def slack_alert_sensor(context: dg.SensorEvaluationContext, slack: SlackResource):
    """Launch a delivery whenever deliveries are pending and due (new alerts, or retries after a
    transient failure once their backoff has passed)."""
    state = read_state(Path(slack.outbox_dir))
    if not state or not state["pending"]:
        return dg.SkipReason("no pending alert deliveries")
    due = state["next_attempt_at"]
    if due and datetime.fromisoformat(due) > _now():
        return dg.SkipReason(f"{state['pending']} pending; next attempt at {due}")
    return dg.RunRequest(
        run_key=f"deliver:{state['written_at']}", tags={"lpss/pending": str(state["pending"])}
    )


@dg.sensor(
    job=review_escalation_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING
)
def review_escalation_sensor(context: dg.SensorEvaluationContext, slack: SlackResource):
    """Launch the escalation when an intervention alert's review_due_hours (48) have passed with its
    case still open; the job checks the reviews held and escalates the rest."""
    state = read_state(Path(slack.outbox_dir))
    hours = parameter("review_due_hours")
    due = [
        case["alert_key"]
        for case in (state or {}).get("open_reviews", [])
        if is_overdue(datetime.fromisoformat(case["sent_at"]), _now(), hours)
    ]
    if not due:
        return dg.SkipReason("no review case past its deadline")
    identity = hashlib.sha256(",".join(sorted(due)).encode()).hexdigest()[:16]
    return dg.RunRequest(run_key=f"escalate:{identity}", tags={"lpss/review_cases": str(len(due))})


@dg.sensor(minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def run_recovery_sensor(context: dg.SensorEvaluationContext):
    """Put the home back in order while the daemon runs (recovery/home.py): a run whose process died
    is marked failed (the failure sensor then posts it) and its pool slot freed, so the runs queued
    behind it go on. What it did is this tick's skip reason, in the sensor's history."""
    lines = recover(load_settings(), context.instance)
    for line in lines:
        context.log.warning(line)
    return dg.SkipReason("; ".join(lines) or "nothing to recover")


@dg.run_failure_sensor(name="run_failure_sensor", default_status=dg.DefaultSensorStatus.RUNNING)
def run_failure_sensor(context: dg.RunFailureSensorContext, slack: SlackResource):
    """Post every failed run to the data channel (Slack, or its outbox file), once per run."""
    run = context.dagster_run
    sink = slack.sink()
    target = sink.target("channel", channel("data"))
    # a failure's message may quote export content (a value, a file name): literal text in mrkdwn
    message = escape(context.failure_event.message or "the run failed")
    text = f"lpss run failed: {run.job_name} ({run.run_id[:8]}): {message}"
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "lpss run failed"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{run.job_name}* `{run.run_id}`\n{message[:2500]}"},
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Open the run in the Dagster UI: Runs"}]},
    ]
    sink.post(target.channel, text, blocks, claim_id=f"run-failure:{run.run_id}", alert_keys=[])
