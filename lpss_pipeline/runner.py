"""Running a job of the code location in this process, recorded in the Dagster instance.

The CLI launches runs this way so that `lpss run` and the UI share one run history, and a
failed step or blocking check comes back as the message the person at the terminal needs, not a
traceback. A run whose blocking check failed counts as failed, although Dagster calls it a success.

Before a run, the home is recovered (recovery/home.py). The run executes in a worker thread while
the main thread watches it: Dagster's executor swallows SIGINT and SIGTERM while a step waits for a
pool slot, and waits in silence for ever; the watch says what the run waits for, gives up after
``LPSS_POOL_WAIT_SECONDS``, and stops on SIGINT or SIGTERM, recording the run as canceled; it also
reads the run's step events, for a caller that shows progress.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import dagster as dg
import sqlalchemy.orm  # noqa: F401  (imported whole before the run's thread starts: see below)
from dagster._core.events import DagsterEventType
from dagster._core.storage.dagster_run import ACTIVE_RUN_STATUSES, make_new_run_id
from sqlalchemy.exc import OperationalError

from lpss_pipeline.recovery.home import end_mlflow_runs, recover
from lpss_pipeline.recovery.liveness import dbt_builds, stop
from lpss_pipeline.recovery.runs import process_tags
from lpss_pipeline.recovery.waiting import PoolWatch
from lpss_pipeline.settings import Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
WATCH_SECONDS = 1.0
STOP_SECONDS = 10.0  # how long a stopped run's thread may take to reach Python code again


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)


STEP_EVENTS = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.STEP_SKIPPED,
}


class StepProgress:
    """The run's steps so far, from its event log (one small query per watch tick)."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str):
        self.instance, self.run_id = instance, run_id
        self.cursor: str | None = None
        self.running: list[str] = []
        self.done = 0

    def poll(self) -> str:
        """``3 steps done; running dbt_models`` (or what the run does before its first step)."""
        found = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, of_type=STEP_EVENTS)
        self.cursor = found.cursor or self.cursor
        for record in found.records:
            event = record.event_log_entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type == DagsterEventType.STEP_START:
                self.running.append(event.step_key)
            else:
                self.done += 1
                if event.step_key in self.running:
                    self.running.remove(event.step_key)
        if not self.running:
            return f"{self.done} steps done" if self.done else "starting"
        return f"{self.done} steps done; running {', '.join(self.running)}"


class RunStopped(Exception):
    """The run was stopped (a signal) or gave up waiting; it is recorded, its slots are free."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def run_job(
    settings: Settings,
    job_name: str,
    verbose: bool = False,
    instance: dg.DagsterInstance | None = None,
    say: Callable[[str], None] = print,
    progress: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Run ``job_name`` on ``settings``' home, recorded in its Dagster instance (or ``instance``);
    ``say`` shows what recovery did and what the run waits for, ``progress`` (called every watch tick)
    which steps are done and running."""
    settings.ensure()
    from lpss_pipeline.definitions import build_defs  # after ensure(): the instance reads DAGSTER_HOME

    job = build_defs(settings).resolve_job_def(job_name)
    with instance or dg.DagsterInstance.get() as active:
        for line in recover(settings, active):
            say(line)
        result = _supervised(settings, active, job, None if verbose else QUIET_LOGS, say, progress)
    failures = []
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            user = data.user_failure_data
            failures.append(
                f"{event.step_key}: {user.description if user and user.description else data.error.message}"
            )
    blocked = [
        e
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    for evaluation in blocked:
        key = evaluation.asset_check_key
        failures.append(
            f"check {key.asset_key.to_user_string()}:{key.name} failed:\n{evaluation.description}"
        )
    return RunOutcome(result.run_id, result.success and not blocked, failures)


def _supervised(settings, instance, job, run_config, say, progress=None) -> dg.ExecuteInProcessResult:
    run_id = make_new_run_id()
    outcome: dict = {}

    def execute() -> None:
        try:
            outcome["result"] = job.execute_in_process(
                instance=instance,
                run_id=run_id,
                tags=process_tags(),
                raise_on_error=False,
                run_config=run_config,
            )
        except BaseException as error:  # handed to the main thread
            outcome["error"] = error

    # The pool watch (this thread) and the run (the worker) both reach SQLAlchemy's ORM lazily; importing
    # it from two threads at once once failed with "partially initialized module 'sqlalchemy.orm.exc'".
    # So it is imported at the top of this module, whole, before the worker starts.
    worker = threading.Thread(target=execute, name=f"lpss {job.name}", daemon=True)
    watch = PoolWatch(settings, instance, run_id)
    steps = StepProgress(instance, run_id) if progress else None
    with _stop_signals() as received:
        worker.start()
        while worker.is_alive():
            worker.join(WATCH_SECONDS)
            if received:
                name = signal.Signals(received[0]).name
                _abandon(settings, instance, worker, run_id, f"stopped by {name}", canceled=True)
                raise RunStopped(f"{job.name} stopped by {name} (run {run_id})", 128 + received[0])
            try:
                lines = watch.poll()
            except OperationalError:  # the run storage busy for a moment: the watch looks again next second
                lines = []
            for line in lines:
                say(line)
            if steps is not None:
                with contextlib.suppress(OperationalError):  # busy storage: the progress shows next second
                    progress(steps.poll())
            if watch.gave_up:
                _abandon(settings, instance, worker, run_id, watch.gave_up, canceled=False)
                raise RunStopped(f"{job.name} failed (run {run_id}): {watch.gave_up}", 1)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@contextlib.contextmanager
def _stop_signals() -> Iterator[list[int]]:
    """SIGINT and SIGTERM recorded (the main thread acts on them) instead of raised or ignored."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, lambda signum, _frame: received.append(signum))
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _abandon(
    settings: Settings,
    instance: dg.DagsterInstance,
    worker: threading.Thread,
    run_id: str,
    reason: str,
    canceled: bool,
) -> None:
    """Leave a run the way recovery would find it repaired: its dbt build stopped, the run recorded as
    canceled or failed, its slots free, its MLflow run ended, its temporary copy removed.

    The run's thread is interrupted first (where it next runs Python: a step's query or copy may hold
    it up to ``STOP_SECONDS``), so that it stops claiming pool slots before they are freed. Only dbt
    is stopped of the children: the others are Dagster's log mirrors, carrying what is still said."""
    stop([pid for pid, parent in dbt_builds(settings.warehouse_path).items() if parent == os.getpid()])
    run = instance.get_run_by_id(run_id)
    if run is not None and run.status in ACTIVE_RUN_STATUSES:
        # a cancel request, so that Dagster records the interrupted run as canceled, not as a crash
        (instance.report_run_canceling if canceled else instance.report_run_failed)(run, message=reason)
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(worker.ident), ctypes.py_object(KeyboardInterrupt)
    )
    worker.join(STOP_SECONDS)
    run = instance.get_run_by_id(run_id)
    if run is not None and run.status in ACTIVE_RUN_STATUSES:  # still inside a long call
        (instance.report_run_canceled if canceled else instance.report_run_failed)(run, message=reason)
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    end_mlflow_runs(settings, [run_id])
    for path in settings.published_dir.glob(f".*.{os.getpid()}-*.tmp*"):
        path.unlink(missing_ok=True)
