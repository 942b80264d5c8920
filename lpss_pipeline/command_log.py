"""Where a command that runs jobs sends dbt's and Dagster's output: a log file, not the terminal.

dbt's progress and Dagster's log lines reach this process's file descriptors 1 and 2 (Dagster's
compute-log capture mirrors them, with `tail` children, to whatever the descriptors were when a
step started; dbt writes to them too), so printing less is not enough: for as long as a command
runs jobs, both descriptors point at ``LPSS_HOME/logs/<command>-<UTC time>.log`` (with
``--verbose``, at a `tee` into that file and the terminal), and the console (console.py) prints to
a duplicate of the original stdout meanwhile. Only the last ``KEEP`` logs are kept.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from lpss_pipeline.console import console, printing_to

KEEP = 20
"""How many command logs ``LPSS_HOME/logs/`` keeps (the oldest go first)."""
TEE_EXIT_SECONDS = 5.0  # how long to wait for `tee` to pass on what is still in its pipe


def new_log(home: Path, command: str) -> Path:
    """An empty log file for ``command``, named by the time (UTC); older logs beyond ``KEEP`` go."""
    folder = home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{command}-{stamp}.log"
    try:
        path.touch(exist_ok=False)
    except FileExistsError:  # two commands in the same second
        path = folder / f"{command}-{stamp}-{os.getpid()}.log"
        path.touch()
    logs = []
    for log in folder.glob("*.log"):
        with contextlib.suppress(OSError):  # another command's pruning may have removed it
            logs.append((log.stat().st_mtime, log))
    for _, old in sorted(logs)[:-KEEP]:
        if old != path:
            old.unlink(missing_ok=True)
    return path


def _fileno(stream) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # e.g. typer's CliRunner
        return None


@contextlib.contextmanager
def captured(path: Path, verbose: bool) -> Iterator[None]:
    """File descriptors 1 and 2 write to ``path`` (with ``verbose``, to the terminal as well) until
    the block ends, while the console prints to the terminal. A no-op when stdout is no file (a test
    runner's capture)."""
    if _fileno(sys.stdout) != 1 or _fileno(sys.stderr) != 2:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = open(saved_out, "w", buffering=1, closefd=False, errors="replace")  # noqa: SIM115
    tees: list[subprocess.Popen] = []
    if verbose and shutil.which("tee"):
        # one tee per descriptor, so stderr stays stderr; -i: Ctrl-C (sent to the whole process
        # group) must not end a tee before lpss says its last word
        tees = [
            subprocess.Popen(["tee", "-a", "-i", str(path)], stdin=subprocess.PIPE, stdout=saved)
            for saved in (saved_out, saved_err)
        ]
        targets = [tee.stdin.fileno() for tee in tees]
    elif verbose:  # no tee: the terminal only
        targets = [os.dup(saved_out), os.dup(saved_err)]
    else:
        log = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        targets = [log, os.dup(log)]
    os.dup2(targets[0], 1)
    os.dup2(targets[1], 2)
    try:
        with printing_to(terminal):
            yield
    finally:
        for stream in (sys.stdout, sys.stderr, terminal):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        for tee in tees:
            tee.stdin.close()  # a tee ends once the last writer (a step's `tail`) is gone
        for tee in tees:
            with contextlib.suppress(subprocess.TimeoutExpired):
                tee.wait(TEE_EXIT_SECONDS)
        if not tees:
            for target in targets:
                os.close(target)
        terminal.close()
        os.close(saved_out)
        os.close(saved_err)


def flush_all() -> None:
    """Before ``os._exit``: what the console and the log still buffer, written out."""
    for stream in (console.file, sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
