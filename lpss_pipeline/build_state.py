"""Whether `lpss run` (and `lpss demo`) has anything to build, found before Dagster starts.

Something is to build when a complete batch in the landing zone has no receipt (a contract batch,
or a vendor batch of an active source: what the export sensor launches on, sensors.py), or when
what the last build read has changed since: the receipts (a batch loaded, found unchanged or
refused by `lpss ingest` or the daemon's sensor) or the effective configuration (the organisation's
files and the shipped defaults). Each `pipeline_job` the CLI completes records both in
``dagster_home/last_build.json``; with no record, no warehouse or no published marts, a build is
due. Reading this takes receipts and configuration files only, never the warehouse.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lpss_pipeline.settings import Settings

RECORD = "last_build.json"


@dataclass(frozen=True)
class BuildState:
    new_batches: int  # complete batches (and unreadable mappings with batches waiting) not handled yet
    ever_handled: bool  # a receipt exists: some batch was loaded, found unchanged or refused before
    reason: str | None  # why a build is due; None when what is published is up to date
    last: dict | None  # the record of the last build: run_id, finished_at, inputs

    @property
    def nothing_to_load(self) -> bool:
        """No batch waits and none was ever handled: the landing zone is empty (or elsewhere)."""
        return not self.new_batches and not self.ever_handled


def _record_path(settings: Settings) -> Path:
    return settings.dagster_home / RECORD


def receipts_digest(settings: Settings) -> str:
    digest = hashlib.sha256()
    root = settings.receipts_dir
    for path in sorted(root.rglob("*.json")) if root.is_dir() else []:
        digest.update(f"{path.relative_to(root)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def configuration_fingerprint(settings: Settings) -> str:
    """The fingerprint the ``configuration`` asset records a version by (config/versions.py)."""
    from lpss_pipeline.config.folder import effective_paths
    from lpss_pipeline.config.versions import file_digests, fingerprint

    return fingerprint(file_digests(effective_paths(settings.config_dir)))


def new_batches(settings: Settings) -> int:
    from lpss_pipeline.ingestion.receipts import unhandled_batches
    from lpss_pipeline.mapping.batches import pending_by_source

    found, broken = pending_by_source(settings.config_dir, settings.landing_dir, settings.receipts_dir)
    return (
        len(unhandled_batches(settings.landing_dir, settings.receipts_dir))
        + sum(len(batches) for _, batches in found)
        + len(broken)
    )


def last_build(settings: Settings) -> dict | None:
    try:
        return json.loads(_record_path(settings).read_text())
    except (OSError, ValueError):
        return None


def build_state(settings: Settings) -> BuildState:
    pending = new_batches(settings)
    root = settings.receipts_dir
    ever = root.is_dir() and any(root.rglob("*.json"))
    last = last_build(settings)
    inputs = (last or {}).get("inputs", {})
    if pending:
        reason = f"{pending} new export batch(es) in {settings.landing_dir}"
    elif not ever:
        reason = None  # nothing to load at all
    elif not settings.warehouse_path.exists() or not settings.published_path.exists():
        reason = "the warehouse or the published marts are missing"
    elif last is None:
        reason = "no build by lpss run recorded yet"
    elif inputs.get("receipts") != receipts_digest(settings):
        reason = "batches were loaded or refused since the last build"
    elif inputs.get("configuration") != configuration_fingerprint(settings):
        reason = "the configuration changed since the last build"
    else:
        reason = None
    return BuildState(pending, bool(ever), reason, last)


def record_build(settings: Settings, run_id: str, configuration: str) -> None:
    """After a `pipeline_job` that succeeded: what it built from. ``configuration`` is the fingerprint
    taken before the run (an edit during the run makes the next build due); the receipts are read
    now, with the ones the run wrote."""
    body = {
        "run_id": run_id,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": {"receipts": receipts_digest(settings), "configuration": configuration},
    }
    path = _record_path(settings)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    tmp.replace(path)


def describe_last(state: BuildState) -> str:
    """``run 1a2b3c4d, 2026-12-02 06:41 UTC`` for the record of the last build."""
    if not state.last:
        return "no build recorded"
    when = datetime.fromisoformat(state.last["finished_at"]).strftime("%Y-%m-%d %H:%M UTC")
    return f"run {state.last['run_id'][:8]}, {when}"
