"""``lpss doctor``: what a crash can leave in a home, reported and repaired."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from lpss_pipeline.console import console, ensured_settings
from lpss_pipeline.settings import Settings, mlflow_store_exists

if TYPE_CHECKING:
    import dagster as dg


def doctor(dry_run: bool = typer.Option(False, "--dry-run", help="Report only; repair nothing.")) -> None:
    """Find and repair what a crash leaves behind: runs whose process died (marked failed, pool slots
    freed), dbt builds they left running, slots held by finished runs, interrupted publishes, MLflow
    runs left running, unreadable outbox lines. Says what it did; with --dry-run exits 1 if anything
    needs repair."""
    import dagster as dg  # here, not at the top: the CLI imports this module for every command

    from lpss_pipeline.alerting.sinks import LocalOutbox
    from lpss_pipeline.recovery.home import recover

    settings = ensured_settings()
    with dg.DagsterInstance.get() as instance:
        lines = recover(settings, instance, repair=not dry_run)
        lines += _mlflow_runs_left_running(settings, instance, repair=not dry_run)
    for line in LocalOutbox(settings.outbox_dir).tidy(repair=not dry_run):
        lines.append(f"{'Moved aside' if not dry_run else 'Unreadable'}: {line}")
    for line in lines:
        console.print(line, markup=False, highlight=False)
    if not lines:
        console.print(
            "Nothing to repair: no dead run, held pool slot, orphaned dbt build, interrupted publish, "
            "MLflow run left running or unreadable outbox line."
        )
    if dry_run and lines:
        raise typer.Exit(1)


def _mlflow_runs_left_running(settings: Settings, instance: dg.DagsterInstance, repair: bool) -> list[str]:
    """MLflow runs still RUNNING although no active Dagster run owns them (MLflow imported only here)."""
    if not mlflow_store_exists(settings.mlflow_tracking_uri):
        return []
    from lpss_pipeline.recovery import runs
    from ml.interrupted import end_interrupted

    keep = {r.dagster_run.run_id for r in runs.active(instance)}
    found = end_interrupted(settings.mlflow_tracking_uri, None, keep=keep, end=repair)
    verb = "Ended as failed" if repair else "Left running"
    return [f"{verb}: MLflow run {run_id}" for run_id in found]
