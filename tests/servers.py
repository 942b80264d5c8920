"""Starting and stopping the long-running commands (`lpss ui`, `lpss docs`) from tests."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
