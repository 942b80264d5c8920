"""What a newcomer reads first: the MLflow run, registered model and versions say what they are; `lpss mlflow`
opens on the experiment with one worker; `lpss ui --schedules-on` starts the schedules."""

from __future__ import annotations

import os

import dagster as dg
import pytest
from typer.testing import CliRunner

from lpss_pipeline import cli
from lpss_pipeline import schedules as lpss_schedules
from ml.champion import MODEL_DESCRIPTION, NOTE_TAG, train_and_register
from ml.frames import Parameters
from ml.tracking import EXPERIMENT, MODEL_NAME, Tracking
from ml.training import TrainingParams
from tests.homes import settings_for, use
from tests.test_readiness_units import person_months


@pytest.fixture
def executed(monkeypatch):
    """The command and environment an exec'ing command would have become."""
    seen = {}

    def execve(path, args, env):
        seen.update(args=args, env=env)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.setattr(os, "chdir", lambda _path: None)
    return seen


def test_a_training_run_and_its_registered_version_describe_themselves(tmp_path):
    tracking = Tracking(f"sqlite:///{tmp_path / 'mlflow.db'}", tmp_path / "mlartifacts")
    parameters = Parameters(
        ready_threshold=0.25, rule_composite=85.0, validation_months=12, training_max_rows=1_000_000
    )
    truth = tmp_path / "no-truth.parquet"  # real data: no generator truth
    params = TrainingParams(n_estimators=30)
    outcome = train_and_register(person_months(30), parameters, tracking, truth, params)
    client = tracking.activate()
    run = client.get_run(outcome.run_id)
    assert run.info.run_name == "readiness model trained through 2023-06 (validated on 2023-07..2024-06)"
    note = run.data.tags[NOTE_TAG]
    assert "Validated on" in note and "2023-07..2024-06" in note and "Champion decision:" in note
    assert client.get_registered_model(MODEL_NAME).description == MODEL_DESCRIPTION
    version = client.get_model_version(MODEL_NAME, outcome.version).description
    assert version.startswith("readiness model trained through 2023-06") and "ROC AUC" in version


def test_lpss_mlflow_runs_one_worker_and_names_the_experiment_page(tmp_path, monkeypatch, executed):
    settings = use(monkeypatch, settings_for(tmp_path / "home"))
    runner = CliRunner()
    result = runner.invoke(cli.app, ["mlflow", "--port", "5123"])
    assert result.exit_code == 0, result.output
    assert executed["args"][executed["args"].index("--workers") + 1] == "1"
    assert "No readiness model trained yet" in result.output

    client = Tracking(settings.mlflow_tracking_uri, settings.mlartifacts_dir).activate()  # creates it
    experiment_id = client.get_experiment_by_name(EXPERIMENT).experiment_id
    result = runner.invoke(cli.app, ["mlflow", "--port", "5123"])
    assert f"http://127.0.0.1:5123/#/experiments/{experiment_id}" in result.output


def test_lpss_ui_schedules_on_starts_every_schedule(tmp_path, monkeypatch, executed):
    use(monkeypatch, settings_for(tmp_path / "home"))
    monkeypatch.delenv(lpss_schedules.SCHEDULES_ON_ENV, raising=False)
    result = CliRunner().invoke(cli.app, ["ui", "--schedules-on"])
    assert result.exit_code == 0, result.output
    assert executed["env"][lpss_schedules.SCHEDULES_ON_ENV] == "1"
    monkeypatch.setenv(lpss_schedules.SCHEDULES_ON_ENV, "1")
    assert lpss_schedules.default_status() == dg.DefaultScheduleStatus.RUNNING
    monkeypatch.delenv(lpss_schedules.SCHEDULES_ON_ENV)
    assert lpss_schedules.default_status() == dg.DefaultScheduleStatus.STOPPED
    # without the flag (and the variable) they start stopped, as the README says
    assert {s.default_status for s in lpss_schedules.schedules} == {dg.DefaultScheduleStatus.STOPPED}
