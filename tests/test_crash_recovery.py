"""A run whose process died never wedges the home: the next command, the sensor or `lpss doctor`
recovers it; a run waiting for the pool says so, gives up in time and stops on a signal.

A real Dagster instance in a temporary home; the pool is held by another process running a
one-step job in the ``warehouse`` pool (launched as the daemon would: no lpss tags, its pid only in
its engine events), and `lpss` is the real command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from lpss_pipeline.recovery.home import recover
from lpss_pipeline.settings import Settings
from tests.homes import settings_for, use

LPSS = str(Path(sys.executable).with_name("lpss"))

HOLDER = """
import time, dagster as dg
from lpss_pipeline.settings import load_settings

load_settings().ensure()

@dg.op(pool="warehouse")
def hold():
    print("holding", flush=True)
    time.sleep(600)

@dg.job
def holder_job():
    hold()

with dg.DagsterInstance.get() as instance:
    holder_job.execute_in_process(instance=instance)
"""


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "LPSS_HOME": str(home), "COLUMNS": "200", **extra}
    for name in ("LPSS_LANDING_DIR", "DAGSTER_HOME", "LPSS_WAREHOUSE_PATH", "MLFLOW_TRACKING_URI"):
        env.pop(name, None)
    return env


def lpss(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LPSS, *args], env=env_for(home, **extra), capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def home(tmp_path, monkeypatch) -> Settings:
    return use(monkeypatch, settings_for(tmp_path / "home")).ensure()


def hold_pool(settings: Settings) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], env=env_for(settings.home), stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def runs_of(settings: Settings, job_name: str) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.get() as instance:
        return list(instance.get_runs(dg.RunsFilter(job_name=job_name)))


def pool_holders(settings: Settings) -> set[str]:
    with dg.DagsterInstance.get() as instance:
        info = instance.event_log_storage.get_concurrency_info("warehouse")
        return {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}


def test_a_waiting_run_says_what_it_waits_for_gives_up_in_time_and_stops_on_sigterm(home):
    holder = hold_pool(home)
    try:
        [held] = runs_of(home, "holder_job")
        started = time.monotonic()
        result = lpss(home.home, "ingest", LPSS_POOL_WAIT_SECONDS="3")
        assert result.returncode == 1, result.stdout + result.stderr
        assert time.monotonic() - started < 60
        out = " ".join(result.stdout.split())
        assert f"Waiting for pool warehouse, held by run {held.run_id[:8]} (holder_job, step hold)" in out
        assert "Gave up after 3 s waiting for pool warehouse" in out
        [gave_up] = runs_of(home, "ingest_job")
        assert gave_up.status == dg.DagsterRunStatus.FAILURE
        assert pool_holders(home) == {held.run_id}, "the run that gave up holds and awaits nothing"

        waiting = subprocess.Popen(
            [LPSS, "ingest"],
            env=env_for(home.home),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert any("Waiting for pool warehouse" in line for line in waiting.stdout)
        waiting.send_signal(signal.SIGTERM)
        assert waiting.wait(timeout=30) == 128 + signal.SIGTERM
        assert "ingest_job stopped by SIGTERM" in waiting.stdout.read()
        stopped = runs_of(home, "ingest_job")[0]
        assert stopped.status == dg.DagsterRunStatus.CANCELED
        assert pool_holders(home) == {held.run_id}
        assert holder.poll() is None, "the holder, alive, was left alone"
    finally:
        holder.kill()
        holder.wait()


def mlflow_run_of(settings: Settings, dagster_run_id: str) -> str:
    """A RUNNING MLflow run in the home's store, tagged with the Dagster run that started it."""
    from ml.interrupted import DAGSTER_RUN_TAG
    from ml.tracking import Tracking

    client = Tracking(settings.mlflow_tracking_uri, settings.mlartifacts_dir).activate()
    experiment = client.get_experiment_by_name("lpss-readiness").experiment_id
    return client.create_run(experiment, tags={DAGSTER_RUN_TAG: dagster_run_id}).info.run_id


def test_lpss_doctor_recovers_a_dead_run_and_clears_what_a_crash_left(home):
    holder = hold_pool(home)
    [held] = runs_of(home, "holder_job")
    holder.kill()
    holder.wait()
    home.published_dir.mkdir(exist_ok=True)
    copy = home.published_dir / f".lpss_marts.duckdb.{holder.pid}-{'0' * 32}.tmp"
    for path in (copy, copy.with_name(copy.name + ".wal")):
        path.write_bytes(b"half a copy")
    live_copy = home.published_dir / f".lpss_marts.duckdb.{os.getpid()}-{'1' * 32}.tmp"
    live_copy.write_bytes(b"being written")
    (home.outbox_dir / "lpss-data.jsonl").write_text('{"claim_id": "a", "ts": "1.0"}\n{"claim_id": "b", "t')
    training = mlflow_run_of(home, held.run_id)  # as a training step killed mid-run leaves it

    report = lpss(home.home, "doctor", "--dry-run")
    assert report.returncode == 1, report.stdout + report.stderr
    assert f"Dead run {held.run_id[:8]} (holder_job): its process {holder.pid} is gone" in report.stdout
    assert runs_of(home, "holder_job")[0].status == dg.DagsterRunStatus.STARTED, "a dry run repairs nothing"

    result = lpss(home.home, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert (
        f"Recovered run {held.run_id[:8]} (holder_job): its process {holder.pid} is gone; marked failed, "
        f"its pool slots freed; MLflow run {training} ended as failed" in out
    )
    assert f"Removed: {copy.name} (an interrupted publish)" in out
    assert "Moved aside: lpss-data.jsonl: 1 unreadable line(s) moved to lpss-data.jsonl.unreadable" in out
    assert runs_of(home, "holder_job")[0].status == dg.DagsterRunStatus.FAILURE
    assert pool_holders(home) == set()
    from mlflow.tracking import MlflowClient

    assert MlflowClient(home.mlflow_tracking_uri).get_run(training).info.status == "FAILED"
    assert sorted(p.name for p in home.published_dir.iterdir()) == [live_copy.name]
    assert lpss(home.home, "doctor").stdout.startswith("Nothing to repair")


def test_the_next_command_and_the_sensor_recover_a_dead_run(home):
    holder = hold_pool(home)
    [held] = runs_of(home, "holder_job")
    with dg.DagsterInstance.get() as instance:
        assert recover(home, instance) == [], "a live holder is left alone"
    holder.kill()
    holder.wait()

    from lpss_pipeline.sensors import run_recovery_sensor

    with dg.DagsterInstance.get() as instance:
        skip = run_recovery_sensor(dg.build_sensor_context(instance=instance))
    assert skip.skip_message.startswith(f"Recovered run {held.run_id[:8]} (holder_job)")
    assert pool_holders(home) == set()


def test_a_step_queued_as_the_slot_was_freed_is_given_the_free_slot(home):
    """Dagster's race: the slot was freed between a step's look and its queueing, so it was queued
    unassigned and nothing would ever assign it."""
    from dagster._core.storage.dagster_run import DagsterRun

    from lpss_pipeline.recovery.runs import process_tags

    with dg.DagsterInstance.get() as instance:
        run = DagsterRun(job_name="waiting_job", status=dg.DagsterRunStatus.STARTED, tags=process_tags())
        instance.add_run(run)
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default("warehouse")
        storage.add_pending_step("warehouse", run.run_id, "build", priority=0, should_assign=False)
        assert recover(home, instance) == [
            f"Assigned: a free slot of pool warehouse, which step build of run {run.run_id[:8]} waited for"
        ]
        assert storage.check_concurrency_claim("warehouse", run.run_id, "build").is_assigned
        assert recover(home, instance) == []
