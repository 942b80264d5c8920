"""The user interfaces of the tools lpss stands on, each started on this home: the Dagster UI (with its
daemon), the MLflow UI on the readiness model's store, and dbt's docs site. Each command becomes its
server's process (``exec``), so signals sent to its pid reach the server directly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from lpss_pipeline.console import console, ensured_settings
from lpss_pipeline.settings import DBT_PROJECT_DIR, PROJECT_ROOT, mlflow_store_exists


def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(3000, min=1, max=65535, help="Port of the Dagster webserver."),
    schedules_on: bool = typer.Option(
        False,
        "--schedules-on",
        help="Run every schedule while this UI runs (they start stopped; one stopped in the UI stays so).",
    ),
) -> None:
    """Start the Dagster webserver and daemon (sensors, schedules) on this code location."""
    settings = ensured_settings()
    env = {**os.environ, "DAGSTER_HOME": str(settings.dagster_home)}
    if schedules_on:  # read by lpss_pipeline/schedules.py (SCHEDULES_ON_ENV), not imported: it loads dbt
        env["LPSS_SCHEDULES_ON"] = "1"
    dagster = Path(sys.executable).with_name("dagster")
    cmd = [str(dagster), "dev", "-w", str(PROJECT_ROOT / "workspace.yaml"), "-h", host, "-p", str(port)]
    console.print(f"Dagster UI on http://{host}:{port} (Ctrl-C to stop)")
    console.print(
        "Schedules: running (--schedules-on)"
        if schedules_on
        else "Schedules: stopped; start them under Automation in the UI, or run lpss ui --schedules-on"
    )
    os.chdir(PROJECT_ROOT)
    os.execve(cmd[0], cmd, env)  # become dagster dev: signals sent to this pid reach it directly


def _experiment_id(tracking_uri: str, experiment: str) -> str | None:
    """The id of ``experiment`` in the store, or None: no store yet (none is created to find out), or no
    such experiment (nothing trained yet)."""
    if not mlflow_store_exists(tracking_uri):
        return None
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    try:
        found = MlflowClient(tracking_uri).get_experiment_by_name(experiment)
    except MlflowException:  # a store MLflow cannot read: the server will say why
        return None
    return found.experiment_id if found is not None else None


def mlflow_ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, min=1, max=65535, help="Port of the MLflow UI."),
) -> None:
    """Start the MLflow UI on the readiness model's store: runs, metrics, plots, the registry."""
    from ml.relocation import home_store, relocate_artifact_root
    from ml.tracking import EXPERIMENT, MODEL_NAME

    settings = ensured_settings()
    store = home_store(settings.mlflow_tracking_uri, settings.mlartifacts_dir)
    if store is not None:  # a copied home's UI must read (and write) its own artifacts
        relocate_artifact_root(store, EXPERIMENT, settings.mlartifacts_dir)
    experiment_id = _experiment_id(settings.mlflow_tracking_uri, EXPERIMENT)
    env = {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"}
    mlflow = Path(sys.executable).with_name("mlflow")
    cmd = [
        str(mlflow),
        "server",
        "--backend-store-uri",
        settings.mlflow_tracking_uri,
        "--default-artifact-root",
        settings.mlartifacts_dir.as_uri(),
        "--host",
        host,
        "--port",
        str(port),
        "--workers",  # one reader of a local store is plenty, and 4 (MLflow's default) cost ~1 GB
        "1",
    ]
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    console.print(f"MLflow UI on {base} for {settings.mlflow_tracking_uri} (Ctrl-C to stop)")
    if experiment_id is not None:
        console.print(f"The readiness model's training runs: {base}/#/experiments/{experiment_id}")
        console.print(f"Its registered versions and the champion: {base}/#/models/{MODEL_NAME}")
    else:
        console.print(f"No readiness model trained yet: experiment {EXPERIMENT} appears with the first run.")
    os.execve(cmd[0], cmd, env)  # become the server: signals sent to this pid reach it directly


def docs(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8080, min=1, max=65535, help="Port of the dbt docs site."),
) -> None:
    """Generate the dbt docs (models, columns, tests, lineage, exposures) and serve them."""
    settings = ensured_settings()
    dbt = str(Path(sys.executable).with_name("dbt"))
    target = settings.home / "dbt_docs"  # generated files stay under LPSS_HOME, out of the repo
    project = [
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
    ]
    if subprocess.call([dbt, "docs", "generate", *project], cwd=DBT_PROJECT_DIR) != 0:
        raise typer.Exit(1)
    console.print(f"dbt docs on http://{host}:{port} (Ctrl-C to stop); warehouse {settings.warehouse_path}")
    os.chdir(DBT_PROJECT_DIR)
    cmd = [dbt, "docs", "serve", *project, "--host", host, "--port", str(port), "--no-browser"]
    os.execv(cmd[0], cmd)
