"""Alert latency with the sensors running: a batch lands, how long until its alert is delivered.

The Dagster daemon runs on the benchmark's home as it would in production (`lpss ui` starts the
same daemon): the export sensor sees the batch and launches the ingest, the batch's integrity
check quarantines it and plans a missing-data alert, the alert sensor launches the delivery,
and the alert appears in the local outbox. The batch is the next month's HRIS export with a
rating out of range, which is the alert a landed batch raises on its own; a good batch changes
the marts at the next scheduled build instead (README, Performance).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from lpss_pipeline.processes import serving
from lpss_pipeline.settings import PROJECT_ROOT, Settings

DEFECT = "rating_out_of_range"
SENSORS = ("export_batch_sensor", "slack_alert_sensor")


def _daemon(settings: Settings, log: Path):
    """`dagster-daemon run` on the benchmark's home, stopped with its children after."""
    daemon = Path(sys.executable).with_name("dagster-daemon")
    cmd = [str(daemon), "run", "-w", str(PROJECT_ROOT / "workspace.yaml")]
    return serving(cmd, {**os.environ, "DAGSTER_HOME": str(settings.dagster_home)}, log)


def _ticked(instance: dg.DagsterInstance) -> set[str]:
    """The sensors the daemon has evaluated at least once."""
    ticked = set()
    for state in instance.all_instigator_state():
        origin, selector = state.instigator_origin_id, state.selector_id
        if state.name in SENSORS and instance.get_ticks(origin, selector, limit=1):
            ticked.add(state.name)
    return ticked


def _delivered(outbox: Path, offsets: dict[Path, int], key_prefix: str) -> dict | None:
    """The first message written to the outbox since ``offsets`` carrying an alert key with the prefix."""
    for path in sorted(outbox.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            handle.seek(offsets.get(path, 0))
            for line in handle:
                record = json.loads(line)
                if any(key.startswith(key_prefix) for key in record["alert_keys"]):
                    return record
    return None


def _until(condition: Callable[[], object], timeout: float, what: str, proc: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if proc.poll() is not None:
            raise RuntimeError(f"the Dagster daemon exited while waiting for {what}")
        time.sleep(0.2)
    raise TimeoutError(f"no {what} within {timeout:.0f} s")


def measure_alert_latency(settings: Settings, say: Callable[[str], None], timeout: float = 600) -> dict:
    """Seconds from the batch's arrival (one atomic rename into the landing zone) to its alert."""
    from lpss_pipeline.synthetic.defects import inject_defect
    from lpss_pipeline.synthetic.generate import generate_next_month

    spare = settings.home / "latency"
    shutil.rmtree(spare, ignore_errors=True)
    shutil.copytree(settings.truth_dir, spare / "truth")
    batches = generate_next_month(spare / "landing", spare / "truth")
    batch = next(p for p in batches if p.parent.name == "hris")
    inject_defect(batch, DEFECT, spare / "landing")
    outbox = settings.outbox_dir
    offsets = {p: p.stat().st_size for p in outbox.glob("*.jsonl")}
    log = settings.home / "latency-daemon.log"
    with _daemon(settings, log) as proc, dg.DagsterInstance.get() as instance:
        say("waiting for the daemon's first sensor evaluations")
        started = time.monotonic()
        _until(lambda: _ticked(instance) == set(SENSORS), timeout, "sensor evaluation", proc)
        warmup = time.monotonic() - started
        landed = time.monotonic()
        os.rename(batch, settings.landing_dir / "hris" / batch.name)
        say(f"landed hris/{batch.name} ({DEFECT}); waiting for its alert")
        record = _until(
            lambda: _delivered(outbox, offsets, f"missing_data:hris/{batch.name}"), timeout, "alert", proc
        )
        latency = time.monotonic() - landed
    shutil.rmtree(spare, ignore_errors=True)
    return {
        "alert_latency_s": round(latency, 2),
        "daemon_warmup_s": round(warmup, 2),
        "alert_batch": f"hris/{batch.name}",
        "alert_channel": record["channel"],
    }
