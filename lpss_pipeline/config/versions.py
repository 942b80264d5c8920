"""Configuration versions: every change to the effective configuration is a new, numbered version.

A version is recorded when the ``configuration`` asset loads a configuration that differs from the
last one recorded; its files are copied whole into ``LPSS_HOME/config_history/<NNNN>/`` with a
``version.json`` (when, fingerprint, which files were the organisation's own, which changed), so
what any past build was computed with can be read and restored.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lpss_pipeline.config.folder import DEFAULTS_DIR

RECORD = "version.json"


@dataclass(frozen=True)
class Version:
    number: int
    fingerprint: str
    recorded_at: str
    own_files: list[str]
    changed_files: list[str]
    folder: Path


def file_digests(paths: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in sorted(paths.items())}


def fingerprint(digests: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]


def history(history_dir: Path) -> list[Version]:
    """Every recorded version, oldest first."""
    versions = []
    for record in sorted(history_dir.glob(f"*/{RECORD}")):
        data = json.loads(record.read_text())
        versions.append(
            Version(folder=record.parent, **{k: data[k] for k in Version.__annotations__ if k != "folder"})
        )
    return versions


def record_version(paths: dict[str, Path], history_dir: Path) -> tuple[Version, bool]:
    """The version of the configuration in ``paths``: the latest one if unchanged, else a new one (True)."""
    digests = file_digests(paths)
    current = fingerprint(digests)
    known = history(history_dir)
    if known and known[-1].fingerprint == current:
        return known[-1], False
    previous = json.loads((known[-1].folder / RECORD).read_text())["digests"] if known else {}
    number = known[-1].number + 1 if known else 1
    folder = history_dir / f"{number:04d}"
    scratch = history_dir / f".{number:04d}.partial"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for name, path in paths.items():
        shutil.copyfile(path, scratch / f"{name}.csv")
    version = Version(
        number=number,
        fingerprint=current,
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        own_files=sorted(n for n, p in paths.items() if p.parent != DEFAULTS_DIR),
        changed_files=sorted(n for n in digests if previous.get(n) != digests[n]) if previous else [],
        folder=folder,
    )
    record = {k: v for k, v in version.__dict__.items() if k != "folder"} | {"digests": digests}
    (scratch / RECORD).write_text(json.dumps(record, indent=2) + "\n")
    scratch.rename(folder)
    return version, True
