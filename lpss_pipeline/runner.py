"""Running a job of the code location in this process, recorded in the Dagster instance.

The CLI launches runs this way so that `lpss run` and the UI share one run history, and a
failed step or blocking check comes back as the message the person at the terminal needs, not a
traceback. A run whose blocking check failed counts as failed, although Dagster calls it a success.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from lpss_pipeline.settings import Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class RunOutcome:
    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)


def run_job(
    settings: Settings, job_name: str, verbose: bool = False, instance: dg.DagsterInstance | None = None
) -> RunOutcome:
    """Run ``job_name`` on ``settings``' home, recorded in its Dagster instance (or ``instance``)."""
    settings.ensure()
    from lpss_pipeline.definitions import build_defs  # after ensure(): the instance reads DAGSTER_HOME

    job = build_defs(settings).resolve_job_def(job_name)
    with instance or dg.DagsterInstance.get() as active:
        result = job.execute_in_process(
            instance=active, raise_on_error=False, run_config=None if verbose else QUIET_LOGS
        )
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
