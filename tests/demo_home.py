"""The demo organisation of `lpss demo`, built once per test session and read by test_demo.py and
test_vendor_demo.py (on whichever xdist workers they run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.homes import shared_home

LPSS = str(Path(sys.executable).with_name("lpss"))
# 30 months: 18 with known 12-month outcomes, enough to train the readiness model on
DEMO = ("demo", "--employees", "300", "--months", "30", "--as-of", "2026-06-15")


def lpss(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LPSS_HOME": str(home), "COLUMNS": "200"}
    for name in ("LPSS_LANDING_DIR", "LPSS_CONFIG_DIR", "MLFLOW_TRACKING_URI"):
        env.pop(name, None)
    return subprocess.run([LPSS, *args], env=env, capture_output=True, text=True, timeout=900)


def _demo(home: Path) -> str:
    result = lpss(home, *DEMO)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory) -> tuple[Path, str]:
    """The demo's home and what it printed. test_demo.py runs commands in it that must change nothing (a
    second demo, ingesting again); the test that runs a new month works in a copy."""
    return shared_home(tmp_path_factory, "demo_home", _demo)
