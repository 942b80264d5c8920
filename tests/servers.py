"""Starting and stopping the long-running commands (`lpss ui`, `lpss docs`) from tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def wait_for(proc: subprocess.Popen, request: str | urllib.request.Request, timeout: float) -> str:
    """The body of the first successful answer to ``request`` within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read().decode()
        except OSError:
            assert proc.poll() is None, "the server exited early"
            time.sleep(1)
    raise AssertionError(f"no answer within {timeout} s")
