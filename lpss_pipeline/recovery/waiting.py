"""A run waiting for a pool slot says what it waits for, lets dead holders go, and gives up in time.

Dagster's in-process executor waits for a slot in silence and for ever; the runner polls this
watch from the main thread while the run executes in another.
"""

from __future__ import annotations

import time

import dagster as dg

from lpss_pipeline.recovery.home import recover
from lpss_pipeline.recovery.runs import PID_TAG
from lpss_pipeline.settings import Settings

RECOVERY_INTERVAL_SECONDS = 5.0  # how often a waiting run checks whether the holder died
REMINDER_SECONDS = 60.0  # how often a waiting run says it still waits


class PoolWatch:
    def __init__(self, settings: Settings, instance: dg.DagsterInstance, run_id: str):
        self.settings, self.instance, self.run_id = settings, instance, run_id
        self.since: float | None = None
        self.said: tuple[float, str] | None = None
        self.recovered_at = 0.0
        self.gave_up: str | None = None

    def poll(self) -> list[str]:
        """Lines to show now; sets ``gave_up`` once the wait is longer than the configured limit."""
        waiting = self._waiting()
        if not waiting:
            self.since = self.said = None
            return []
        now = time.monotonic()
        lines = []
        if now - self.recovered_at >= RECOVERY_INTERVAL_SECONDS:
            self.recovered_at = now
            lines += recover(self.settings, self.instance)
        self.since = self.since or now
        pool, holders = waiting
        held = f"pool {pool}, held by {holders}" if holders else f"pool {pool}"
        limit = self.settings.pool_wait_seconds
        if now - self.since > limit:
            self.gave_up = f"Gave up after {limit:.0f} s waiting for {held} (LPSS_POOL_WAIT_SECONDS)."
        elif self.said is None or self.said[1] != held:
            lines.append(f"Waiting for {held}; giving up after {limit:.0f} s (LPSS_POOL_WAIT_SECONDS).")
            self.said = (now, held)
        elif now - self.said[0] >= REMINDER_SECONDS:
            lines.append(f"Still waiting ({now - self.since:.0f} s) for {held}.")
            self.said = (now, held)
        return lines

    def _waiting(self) -> tuple[str, str] | None:
        """(pool, who holds it) while a step of this run waits for a slot."""
        storage = self.instance.event_log_storage
        for pool in sorted(storage.get_concurrency_keys()):
            info = storage.get_concurrency_info(pool)
            if any(p.run_id == self.run_id and p.assigned_timestamp is None for p in info.pending_steps):
                holders = [s for s in info.claimed_slots if s.run_id != self.run_id]
                return pool, ", ".join(self._describe(s.run_id, s.step_key) for s in holders)
        return None

    def _describe(self, run_id: str, step_key: str) -> str:
        run = self.instance.get_run_by_id(run_id)
        if run is None:
            return f"run {run_id[:8]} (step {step_key})"
        pid = f", pid {run.tags[PID_TAG]}" if PID_TAG in run.tags else ""
        return f"run {run_id[:8]} ({run.job_name}, step {step_key}{pid})"
