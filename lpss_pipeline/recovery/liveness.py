"""Is the process that ran something still that process? Read from /proc, without extra packages.

A pid alone is not enough: after a crash the number can be reused by an unrelated process. A
process counts as alive only if it exists, is not a zombie, and started no later than the moment
its pid was recorded (plus the clock resolution of /proc).
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

PROC = Path("/proc")
CLOCK_SLACK_SECONDS = 2.0  # /proc's boot time is whole seconds; start times are in clock ticks


def _boot_time() -> float:
    for line in (PROC / "stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise OSError("no btime in /proc/stat")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/<pid>/stat (after the command name, which may hold spaces), or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2 :].split()


def started_at(pid: int) -> float | None:
    """When ``pid`` started (epoch seconds), or None if there is no such live process."""
    fields = _stat_fields(pid)
    if fields is None or fields[0] in {"Z", "X"}:
        return None
    return _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def is_alive(pid: int, recorded_at: float | None = None) -> bool:
    """``pid`` runs and, when ``recorded_at`` is given, had started by then (not a reused number)."""
    if not PROC.is_dir():  # not Linux: existence is all we can tell
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    start = started_at(pid)
    if start is None:
        return False
    return recorded_at is None or start <= recorded_at + CLOCK_SLACK_SECONDS


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = (PROC / str(pid) / "environ").read_bytes()
    except OSError:  # gone, or another user's
        return {}
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


def dbt_builds(warehouse: Path) -> dict[int, int]:
    """pid -> parent pid of every dbt process Dagster started on ``warehouse`` (dagster-dbt marks
    them with ``DAGSTER_DBT_CLI``; lpss exports the warehouse's path to them)."""
    if not PROC.is_dir():
        return {}
    found = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        env = _environ(int(entry.name))
        if env.get("DAGSTER_DBT_CLI") == "true" and env.get("LPSS_WAREHOUSE_PATH") == str(warehouse):
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                found[int(entry.name)] = int(fields[1])
    return found


def orphaned_builds(warehouse: Path, run_pids: set[int]) -> list[int]:
    """dbt builds on ``warehouse`` whose parent is none of ``run_pids`` (the live runs): left running by
    a run that was killed, they would hold the warehouse's lock until done."""
    return sorted(pid for pid, parent in dbt_builds(warehouse).items() if parent not in run_pids)


def stop(pids: list[int], grace_seconds: float = 10.0) -> None:
    """SIGTERM ``pids``, then SIGKILL those still there after ``grace_seconds``."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while any(started_at(p) is not None for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        if started_at(pid) is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
