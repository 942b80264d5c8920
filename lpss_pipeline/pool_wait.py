"""A step waiting for a pool slot sleeps between claim checks instead of spinning a CPU.

Dagster 1.13's ``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns
``min(0, ...)``, never more than 0, so the executor's ``sleep_til_ready`` never sleeps: a run waiting
for the ``warehouse`` pool spins one core at 100% (for as long as the holder builds, on the same
cores). Here it is what was meant: the time until the step's next scheduled claim check (Dagster's
own backoff; a claim is not checked earlier either way). Imported by
``event_storage`` (loaded from ``dagster.yaml`` by every process that opens lpss's instance: the
CLI, the daemon's run workers), so it applies wherever a run executes.
"""

from __future__ import annotations

import time

from dagster._core.execution.plan.instance_concurrency_context import InstanceConcurrencyContext


def _interval_to_next_pending_claim_check(self: InstanceConcurrencyContext) -> float:
    if not self._pending_claims:
        return 0.0
    now = time.time()
    return max(0.0, min((ready_at - now for ready_at in self._pending_timeouts.values()), default=0.0))


InstanceConcurrencyContext.interval_to_next_pending_claim_check = _interval_to_next_pending_claim_check
