"""MLflow runs left ``RUNNING`` by a training step whose process died, ended as ``FAILED``.

Every training run is tagged with the Dagster run that started it, so a recovered Dagster run
ends exactly its own MLflow runs.
"""

from __future__ import annotations

from collections.abc import Collection

DAGSTER_RUN_TAG = "lpss.dagster_run_id"


def end_interrupted(
    tracking_uri: str, dagster_run_ids: Collection[str] | None, keep: Collection[str] = (), end: bool = True
) -> list[str]:
    """End (unless not ``end``) the lpss experiment's RUNNING MLflow runs of ``dagster_run_ids`` (None:
    of any Dagster run not in ``keep``, the runs still in progress); return their MLflow run ids."""
    from mlflow.tracking import MlflowClient

    from ml.tracking import EXPERIMENT

    client = MlflowClient(tracking_uri, registry_uri=tracking_uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    if experiment is None:
        return []
    ended = []
    for run in client.search_runs([experiment.experiment_id], "attributes.status = 'RUNNING'"):
        owner = run.data.tags.get(DAGSTER_RUN_TAG)
        chosen = owner in dagster_run_ids if dagster_run_ids is not None else owner not in keep
        if chosen:
            if end:
                client.set_terminated(run.info.run_id, status="FAILED")
            ended.append(run.info.run_id)
    return ended
