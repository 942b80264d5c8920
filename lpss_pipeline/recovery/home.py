"""The recovery every lpss command, the recovery sensor and ``lpss doctor`` perform on a home."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg

from lpss_pipeline.recovery import runs
from lpss_pipeline.recovery.liveness import is_alive, orphaned_builds, stop
from lpss_pipeline.settings import Settings, mlflow_store_exists

TEMPORARY_COPY = re.compile(r"^\..+\.duckdb\.(?:(?P<pid>\d+)-)?[0-9a-f]{32}\.tmp(?:\.wal)?$")
"""A publish's copy (publishing.temporary_copy) and its write-ahead log. Copies written before
the name carried a pid have none: they are left over when no run is active."""


def interrupted_copies(published_dir: Path, any_active: bool) -> list[Path]:
    """Temporary copies in ``published_dir`` whose writer is gone."""
    if not published_dir.is_dir():
        return []
    found = []
    for path in sorted(published_dir.iterdir()):
        match = TEMPORARY_COPY.match(path.name)
        if match is None:
            continue
        pid = match["pid"]
        gone = not any_active if pid is None else not is_alive(int(pid), path.stat().st_mtime)
        if gone:
            found.append(path)
    return found


def recover(settings: Settings, instance: dg.DagsterInstance, repair: bool = True) -> list[str]:
    """Dead runs failed and their slots freed (and their MLflow runs ended), dbt builds they left
    running stopped, slots held by finished runs freed, a free slot a step waits for in vain
    assigned, interrupted publish copies removed: one line
    per thing found (done unless not ``repair``). Cheap when there is nothing to do: two queries on
    the run storage, a scan of /proc and a folder listing."""
    lines = []
    dead, live = runs.dead_runs(instance)
    ended = end_mlflow_runs(settings, [d.run_id for d in dead]) if dead and repair else {}
    for run in dead:
        if repair:
            runs.mark_failed(instance, run)
        mlflow_runs = ", ".join(ended.get(run.run_id, []))
        extra = f"; MLflow run {mlflow_runs} ended as failed" if mlflow_runs else ""
        lines.append(
            f"{'Recovered' if repair else 'Dead'} {run.describe()}: its process {run.pid} is gone"
            + (f"; marked failed, its pool slots freed{extra}" if repair else "")
        )
    orphans = orphaned_builds(settings.warehouse_path, live)
    if orphans:
        if repair:
            stop(orphans)
        pids = ", ".join(map(str, orphans))
        verb = "Stopped" if repair else "Left running"
        lines.append(f"{verb}: dbt (pid {pids}), started by a run whose process died")
    for pool, holders in runs.held_slots(instance).items():
        if repair:
            runs.free_runs(instance, holders)
        names = ", ".join(f"run {r[:8]}" for r in sorted(holders))
        lines.append(f"{'Freed' if repair else 'Held'} pool {pool} slots of finished {names}")
    for pool, step in runs.stranded_waits(instance).items():
        if repair:
            instance.event_log_storage.assign_pending_steps([pool])
        lines.append(
            f"{'Assigned' if repair else 'Unassigned'}: a free slot of pool {pool}, which {step} waited for"
        )
    for path in interrupted_copies(settings.published_dir, any_active=bool(runs.active(instance))):
        if repair:
            path.unlink(missing_ok=True)
        lines.append(f"{'Removed' if repair else 'Left over'}: {path.name} (an interrupted publish)")
    return lines


def end_mlflow_runs(settings: Settings, dagster_run_ids: list[str]) -> dict[str, list[str]]:
    """Dagster run -> the MLflow runs ended for it (MLflow is imported only when a run died)."""
    if not mlflow_store_exists(settings.mlflow_tracking_uri):
        return {}
    from ml.interrupted import end_interrupted

    return {r: end_interrupted(settings.mlflow_tracking_uri, [r]) for r in dagster_run_ids}
