"""The landing zone: finding complete batches and checking their files against the manifest.

A batch is ``<landing>/<system>/<batch_id>/``; it is complete once ``_manifest.json`` exists,
because exporters write the manifest last. Incomplete batches are left alone, never loaded.

The landing zone is read as plain files only: a batch folder holding a symbolic link, a named pipe,
a device or a socket (or that is itself a symbolic link) is refused before anything in it is read
(:func:`not_plain_entries`), and a folder under ``<landing>/<system>/`` whose name is not a batch
id is not a batch (:func:`misnamed_folders`; the ingest reports it once, ``lpss batches`` lists it
as ``ignored``).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lpss_pipeline.config.validate import REQUIRED_ENTITIES
from lpss_pipeline.contract import (
    BATCH_ID_FORMAT,
    BATCH_ID_PATTERN,
    FILE_FORMATS,
    MANIFEST_NAME,
    SYSTEMS,
    entities_of,
)

from .errors import BatchRefused, Finding


@dataclass(frozen=True)
class Batch:
    system: str
    batch_id: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.system}/{self.batch_id}"

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST_NAME

    @property
    def manifest_sha256(self) -> str:
        """Identity of the batch's content: the manifest carries every file's checksum.

        A manifest (or batch folder) that is not a plain file (folder) is never read through: its
        identity is then what it is (a link and its target, a pipe), and the batch is refused."""
        for path in (self.path, self.manifest_path):
            if path.is_symlink():
                return hashlib.sha256(
                    f"symbolic link {path.name} -> {os.readlink(path)}".encode()
                ).hexdigest()
        odd = _not_plain(self.manifest_path)
        if odd:
            return hashlib.sha256(f"{MANIFEST_NAME} is {odd}".encode()).hexdigest()
        return hashlib.sha256(self.manifest_path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class EntityFile:
    """One file of a batch, checked against the manifest and ready to load."""

    entity: str
    path: Path
    format: str
    rows: int
    sha256: str

    def label(self, batch: Batch) -> str:
        return f"{batch.label}/{self.path.name}"


PLAIN_ONLY = "the landing zone is read as plain files only"
MISNAMED = (
    "is not a batch id (a batch folder is named for its export time in UTC, YYYY-MM-DDTHHMMSSZ, e.g. "
    "2026-01-01T060000Z): the folder is ignored and nothing in it is read; rename it to load it"
)


def _not_plain(path: Path) -> str | None:
    """What ``path`` is when it is neither a plain file nor a plain folder, found without following
    it (a symbolic link, wherever it points, a pipe, a device, a socket); None otherwise or absent."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None  # a sub-folder: nothing reads it, and the quarantine copies only its plain files
    kinds = {stat.S_ISLNK: "a symbolic link", stat.S_ISFIFO: "a named pipe (FIFO)"}
    kinds |= {stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}
    return next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")


def not_plain_entries(folder: Path, label: str) -> list[Finding]:
    """A finding for the batch folder itself if it is a symbolic link, else for each of its entries
    that is not a plain file or folder. Nothing is opened or followed: the batch is refused unread."""
    folder = Path(folder)
    if folder.is_symlink():
        return [Finding(label, f"the batch folder is a symbolic link; {PLAIN_ONLY}", check="landing_zone")]
    findings = []
    for entry in sorted(folder.iterdir()):
        what = _not_plain(entry)
        if what:
            message = f"{entry.name} is {what}; {PLAIN_ONLY}"
            findings.append(Finding(f"{label}/{entry.name}", message, check="landing_zone"))
    return findings


def is_batch_id(name: str) -> bool:
    """``YYYY-MM-DDTHHMMSSZ`` and a real date and time."""
    if not BATCH_ID_PATTERN.match(name):
        return False
    try:
        datetime.strptime(name, BATCH_ID_FORMAT)
    except ValueError:
        return False
    return True


def _systems(landing_dir: Path, system: str | None) -> list[tuple[str, Path]]:
    roots = [(s, Path(landing_dir) / s) for s in ([system] if system else SYSTEMS)]
    return [(s, root) for s, root in roots if root.is_dir()]


def discover_batches(landing_dir: Path, system: str | None = None) -> list[Batch]:
    """Complete batches (manifest present), oldest first, for one system or all.

    A manifest that is not a plain file (a link, a pipe) still makes the batch complete: it is
    then refused, never read."""
    found = []
    for sys_name, root in _systems(landing_dir, system):
        for path in sorted(root.iterdir()):
            manifest = path / MANIFEST_NAME
            if path.is_dir() and is_batch_id(path.name) and (manifest.is_file() or _not_plain(manifest)):
                found.append(Batch(sys_name, path.name, path))
    return sorted(found, key=lambda b: (b.batch_id, b.system))


def misnamed_folders(landing_dir: Path, system: str | None = None) -> list[Finding]:
    """A warning for each folder under ``<landing>/<system>/`` whose name is not a batch id."""
    return [
        Finding(f"{sys_name}/{path.name}", f"{path.name!r} {MISNAMED}", check="landing_zone", blocking=False)
        for sys_name, root in _systems(landing_dir, system)
        for path in sorted(root.iterdir())
        if path.is_dir() and not is_batch_id(path.name)
    ]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """json's object_pairs_hook: a key given twice is an error, not "the last one wins"."""
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey(key)
        seen[key] = value
    return seen


def _read_manifest(batch: Batch) -> dict:
    where = f"{batch.label}/{MANIFEST_NAME}"
    try:
        manifest = json.loads(batch.manifest_path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
    except DuplicateKey as dup:
        message = f"manifest has the key {dup.key!r} more than once; which one holds is ambiguous"
        raise BatchRefused(batch.label, [Finding(where, message)]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BatchRefused(batch.label, [Finding(where, f"manifest is not valid JSON: {exc}")]) from None
    problems = []
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        problems.append("manifest must be an object with a 'files' object")
    else:
        if manifest.get("system") != batch.system:
            problems.append(f"manifest system {manifest.get('system')!r} is not {batch.system!r}")
        if manifest.get("batch_id") != batch.batch_id:
            problems.append(
                f"manifest batch_id {manifest.get('batch_id')!r} is not the folder's {batch.batch_id!r}"
            )
    if problems:
        raise BatchRefused(batch.label, [Finding(where, p) for p in problems])
    return manifest


def _missing_snapshot(system: str, name: str) -> str:
    message = f"snapshot entity {name!r} is missing; every batch must carry the full state"
    if (system, name) in REQUIRED_ENTITIES:
        return f"{message} ({system}/{name} is required)"
    return (
        f"{message} of a tracked snapshot; to stop tracking it, set tracked to false for "
        f"{system},{name} in tracked_entities.csv (the organisation's configuration folder)"
    )


def checked_files(batch: Batch, tracked: frozenset[str]) -> tuple[list[EntityFile], list[Finding]]:
    """The batch's files of tracked entities, after checking them against the manifest and the
    contract, and notes (non-blocking findings) on the files of untracked entities and on folders
    inside the batch, both left unread.

    Refuses unknown entities, missing tracked snapshot entities (a snapshot is the full state in
    every batch), files on disk that the manifest does not list, and any row-count or sha256
    mismatch. An entity the organisation does not track (tracked_entities.csv) may be absent, and
    its file, if present, is not read at all. A batch folder holding anything but plain files
    (:func:`not_plain_entries`) is refused first, before the manifest or any file is read.
    """
    hostile = not_plain_entries(batch.path, batch.label)
    if hostile:
        raise BatchRefused(batch.label, hostile)
    manifest = _read_manifest(batch)
    declared = {e.name: e for e in entities_of(batch.system)}
    listed: dict = manifest["files"]
    entries = sorted(batch.path.iterdir())
    folders = [p for p in entries if p.is_dir()]  # links were refused above: these are real folders
    on_disk = {p.stem: p for p in entries if p.suffix.lstrip(".") in FILE_FORMATS and p not in folders}
    findings: list[Finding] = []
    notes = [
        Finding(
            f"{batch.label}/{folder.name}/",
            "is a folder; a batch holds files only, so nothing in it was read",
            check="folder_in_batch",
            blocking=False,
        )
        for folder in folders
    ] + [
        Finding(
            f"{batch.label}/{on_disk[name].name if name in on_disk else MANIFEST_NAME}",
            f"{batch.system}/{name} is not tracked (tracked_entities.csv): its file was not loaded",
            check="untracked_entity",
            blocking=False,
        )
        for name in sorted((set(listed) | set(on_disk)) & (set(declared) - tracked))
    ]
    listed = {name: entry for name, entry in listed.items() if name not in declared or name in tracked}
    on_disk = {name: path for name, path in on_disk.items() if name not in declared or name in tracked}
    for name in sorted(set(listed) - set(declared)):
        findings.append(
            Finding(
                f"{batch.label}/{MANIFEST_NAME}",
                f"lists {name!r}, which is not an entity of the {batch.system} export contract",
            )
        )
    for name in sorted(n for n, e in declared.items() if e.kind == "snapshot" and n in tracked):
        if name not in listed:
            findings.append(Finding(f"{batch.label}/{MANIFEST_NAME}", _missing_snapshot(batch.system, name)))
    for name in sorted(set(on_disk) - set(listed)):
        findings.append(Finding(f"{batch.label}/{on_disk[name].name}", "file is not listed in the manifest"))

    files = []
    for name in sorted(set(listed) & set(declared)):
        entry = listed[name]
        candidates = [batch.path / f"{name}.{fmt}" for fmt in FILE_FORMATS]
        present = [p for p in candidates if p.is_file()]
        label = f"{batch.label}/{entry.get('file') or name + '.csv'}"
        if len(present) != 1:
            findings.append(
                Finding(
                    label,
                    "file is missing"
                    if not present
                    else f"both {name}.csv and {name}.parquet are present; send one",
                )
            )
            continue
        path = present[0]
        label = f"{batch.label}/{path.name}"
        rows, sha = entry.get("rows"), entry.get("sha256")
        if not isinstance(rows, int) or rows < 0 or not isinstance(sha, str):
            findings.append(Finding(label, "manifest entry needs an integer 'rows' and a 'sha256'"))
            continue
        actual = file_sha256(path)
        if actual != sha.lower():
            findings.append(
                Finding(
                    label,
                    f"sha256 {actual} does not match the manifest's {sha}; "
                    "the file changed or was cut short after the manifest was written",
                )
            )
            continue
        files.append(EntityFile(name, path, path.suffix.lstrip("."), rows, actual))
    if findings:
        raise BatchRefused(batch.label, findings)
    return files, notes
