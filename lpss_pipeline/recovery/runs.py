"""Runs whose process died: marked failed, their pool slots freed, their MLflow runs ended.

Dagster leaves a run whose process was killed ``STARTED`` for ever, holding its slot in the
``warehouse`` pool, so every later run would wait on it. A run records its process: the CLI tags
the runs it executes in process (``lpss/pid``, ``lpss/host``), and a run launched by the daemon
logs its worker's pid in an engine event. A run in progress whose process is gone is dead.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES, RunRecord

from lpss_pipeline.recovery.liveness import is_alive

PID_TAG = "lpss/pid"
HOST_TAG = "lpss/host"


def process_tags() -> dict[str, str]:
    """Tags naming this process, for a run it executes itself."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


@dataclass(frozen=True)
class RunProcess:
    pid: int
    recorded_at: float  # the process had started by then


def run_process(instance: dg.DagsterInstance, record: RunRecord) -> RunProcess | None:
    """The process executing the run, or None when unknown (not started yet, or on another host)."""
    tags = record.dagster_run.tags
    if tags.get(HOST_TAG, socket.gethostname()) != socket.gethostname():
        return None
    if PID_TAG in tags:
        return RunProcess(int(tags[PID_TAG]), record.create_timestamp.timestamp())
    found = None
    for entry in instance.all_logs(record.dagster_run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
        data = entry.dagster_event.engine_event_data if entry.dagster_event else None
        pid = data.metadata.get("pid") if data and data.metadata else None
        if pid is not None and str(pid.value).isdigit():
            found = RunProcess(int(pid.value), entry.timestamp)
    return found


def active(instance: dg.DagsterInstance) -> list[RunRecord]:
    return list(instance.get_run_records(dg.RunsFilter(statuses=ACTIVE_RUN_STATUSES)))


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    job_name: str
    pid: int

    def describe(self) -> str:
        return f"run {self.run_id[:8]} ({self.job_name})"


def dead_runs(instance: dg.DagsterInstance) -> tuple[list[DeadRun], set[int]]:
    """The active runs whose process is gone, and the pids of those still running."""
    dead, live = [], set()
    for record in active(instance):
        process = run_process(instance, record)
        if process is None:
            continue
        if is_alive(process.pid, process.recorded_at):
            live.add(process.pid)
        else:
            run = record.dagster_run
            dead.append(DeadRun(run.run_id, run.job_name, process.pid))
    return dead, live


def mark_failed(instance: dg.DagsterInstance, dead: DeadRun) -> None:
    """Record the run as failed (once, even if two processes recover it) and free its slots."""
    run = instance.get_run_by_id(dead.run_id)
    if run is not None and run.status in ACTIVE_RUN_STATUSES:
        instance.report_run_failed(
            run, message=f"The run's process ({dead.pid}) is gone: recovered by lpss (pid {os.getpid()})."
        )
    instance.event_log_storage.free_concurrency_slots_for_run(dead.run_id)


def held_slots(instance: dg.DagsterInstance) -> dict[str, set[str]]:
    """Pool -> runs that hold or wait for its slots although they are no longer in progress."""
    live = {r.dagster_run.run_id for r in active(instance)}
    stale: dict[str, set[str]] = {}
    storage = instance.event_log_storage
    for pool in sorted(storage.get_concurrency_keys()):
        info = storage.get_concurrency_info(pool)
        runs = {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}
        if runs - live:
            stale[pool] = runs - live
    return stale


def free_runs(instance: dg.DagsterInstance, run_ids: Iterable[str]) -> None:
    for run_id in run_ids:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def stranded_waits(instance: dg.DagsterInstance) -> dict[str, str]:
    """Pool -> the first step waiting for it although it has a free slot.

    Dagster assigns a waiting step a slot when another step frees one; a step that queued in the
    instant between that check and its own (two processes, SQLite) is never assigned and waits,
    spinning, for ever. Assigning the pool's free slot (``assign_pending_steps``) lets it go on."""
    stranded = {}
    storage = instance.event_log_storage
    for pool in sorted(storage.get_concurrency_keys()):
        info = storage.get_concurrency_info(pool)
        waiting = sorted(
            (p for p in info.pending_steps if p.assigned_timestamp is None),
            key=lambda p: (-(p.priority or 0), p.enqueued_timestamp),
        )
        if waiting and storage.has_unassigned_slots(pool):
            stranded[pool] = f"step {waiting[0].step_key} of run {waiting[0].run_id[:8]}"
    return stranded
