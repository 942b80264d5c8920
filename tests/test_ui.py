"""`lpss ui` serves the code location: the raw assets are visible in the Dagster webserver."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

QUERY = "{ assetNodes { assetKey { path } groupName } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_ui_shows_raw_assets(tmp_path):
    port = free_port()
    lpss = Path(sys.executable).with_name("lpss")
    env = {**os.environ, "LPSS_HOME": str(tmp_path / "home")}
    # A new session with default signal handlers, stopped by its own process group id: a background
    # `dagster dev` started from a non-interactive shell would otherwise ignore SIGINT.
    proc = subprocess.Popen(
        [str(lpss), "ui", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline, nodes = time.monotonic() + 120, None
        while time.monotonic() < deadline and nodes is None:
            try:
                nodes = graphql(port, QUERY)["data"]["assetNodes"]
            except (OSError, KeyError, TypeError):
                assert proc.poll() is None, "lpss ui exited early"
                time.sleep(1)
        assert nodes, "the webserver did not answer within 120 s"
        raw = {
            "/".join(n["assetKey"]["path"]): n["groupName"]
            for n in nodes
            if n["assetKey"]["path"][0] == "raw"
        }
        assert raw["raw/hris/employees"] == "ingestion"
        assert len(raw) == 17
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # dagster dev shuts its webserver, daemon and code server down
        try:
            proc.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is still there
