"""Temporary LPSS_HOMEs for tests: pointing this process at one, and what one holds."""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lpss_pipeline.settings import Settings


def settings_for(home: Path) -> Settings:
    return Settings(home=home, landing_dir=home / "landing")


def use(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    """Point this process at ``settings`` (run_job exports the paths it uses); no outside MLflow store."""
    for name, value in (
        ("LPSS_HOME", settings.home),
        ("LPSS_WAREHOUSE_PATH", settings.warehouse_path),
        ("DAGSTER_HOME", settings.dagster_home),
    ):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return settings


def shared_home(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], str]
) -> tuple[Path, str]:
    """A home built once per test session: the xdist worker that asks first runs ``build(home)`` under a
    lock while the others wait. Returns the home and what ``build`` returned (kept beside the home, so
    the home holds only what lpss wrote). A failed build is not tried again: the others fail at once."""
    base = tmp_path_factory.getbasetemp()
    home = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    built = home.with_name(f"{name}.built")
    with open(home.with_name(f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            if home.exists():
                pytest.fail(f"the shared home {home} was left by a build that failed: see its first test")
            home.mkdir()
            built.write_text(build(home))
    return home, built.read_text()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a file's sha256, a link's target, "dir" for a folder. SQLite's
    ``-shm`` files (a shared-memory index, rebuilt by whoever opens the database) are not content, and
    a file that disappears during the walk (a connection closing) is left out."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        try:
            if path.is_symlink():
                entries[name] = "-> " + os.readlink(path)
            elif path.is_dir():
                entries[name] = "dir"
            elif not name.endswith("-shm"):
                entries[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            continue
    return entries


def settled_snapshot(folder: Path, seconds: float = 60) -> dict[str, str]:
    """``snapshot(folder)`` once two taken a second apart agree: the processes of earlier tests may
    still be closing their databases there."""
    deadline = time.monotonic() + seconds
    taken = snapshot(folder)
    while time.monotonic() < deadline:
        time.sleep(1)
        again = snapshot(folder)
        if again == taken:
            return taken
        taken = again
    raise AssertionError(f"{folder} kept changing for {seconds} s")


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
