"""Long-running child processes (a Dagster daemon, a webserver) started and stopped cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def serving(cmd: list[str], env: dict[str, str], log: Path | None = None) -> Iterator[subprocess.Popen]:
    """Run ``cmd`` in its own session with default signal handlers; stop the whole group after.

    A server started from a non-interactive shell would otherwise ignore SIGINT, and its children
    (the Dagster daemon and code server) would outlive it.
    """
    output = log.open("w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        cmd,
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is still there
            proc.wait()
            if log:
                output.close()
