"""The landing zone: finding complete batches and checking their files against the manifest.

A batch is ``<landing>/<system>/<batch_id>/``; it is complete once ``_manifest.json`` exists,
because exporters write the manifest last. Incomplete batches are left alone, never loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from lpss_pipeline.config.validate import REQUIRED_ENTITIES
from lpss_pipeline.contract import BATCH_ID_PATTERN, FILE_FORMATS, MANIFEST_NAME, SYSTEMS, entities_of

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
        """Identity of the batch's content: the manifest carries every file's checksum."""
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


def discover_batches(landing_dir: Path, system: str | None = None) -> list[Batch]:
    """Complete batches (manifest present), oldest first, for one system or all."""
    found = []
    for sys_name in [system] if system else SYSTEMS:
        root = Path(landing_dir) / sys_name
        if not root.is_dir():
            continue
        for path in sorted(root.iterdir()):
            if path.is_dir() and BATCH_ID_PATTERN.match(path.name) and (path / MANIFEST_NAME).is_file():
                found.append(Batch(sys_name, path.name, path))
    return sorted(found, key=lambda b: (b.batch_id, b.system))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(batch: Batch) -> dict:
    where = f"{batch.label}/{MANIFEST_NAME}"
    try:
        manifest = json.loads(batch.manifest_path.read_text(encoding="utf-8"))
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
    contract, and notes (non-blocking findings) on the files of untracked entities, left unloaded.

    Refuses unknown entities, missing tracked snapshot entities (a snapshot is the full state in
    every batch), files on disk that the manifest does not list, and any row-count or sha256
    mismatch. An entity the organisation does not track (tracked_entities.csv) may be absent, and
    its file, if present, is not read at all.
    """
    manifest = _read_manifest(batch)
    declared = {e.name: e for e in entities_of(batch.system)}
    listed: dict = manifest["files"]
    on_disk = {p.stem: p for p in batch.path.iterdir() if p.suffix.lstrip(".") in FILE_FORMATS}
    findings: list[Finding] = []
    notes = [
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
