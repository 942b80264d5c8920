"""Vendor batches: found under ``landing/<source>/<batch>/``, mapped, handed on as contract batches.

A vendor batch is complete when its mapping says so (a manifest, a marker file, or a file named
for the batch's date). Mapped, it becomes the contract batch ``landing/<system>/<batch_id>/``
(Parquet files whose rows carry ``_vendor_file`` and ``_vendor_lines``, and a manifest naming the
source and the vendor files' checksums), which the normal ingestion then loads and checks. The
vendor's files stay where they landed; a refused vendor batch is quarantined like any other. A
vendor batch folder holding a symbolic link, pipe or device is refused unread, as a contract batch
is (``landing.not_plain_entries``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import duckdb

from lpss_pipeline.contract import BATCH_ID_FORMAT, BATCH_ID_PATTERN, MANIFEST_NAME, entity
from lpss_pipeline.ingestion.errors import Finding
from lpss_pipeline.ingestion.landing import Batch, file_sha256, not_plain_entries
from lpss_pipeline.ingestion.ledger import ensure_unchanged_ledger, record_unchanged
from lpss_pipeline.ingestion.staging import LINEAGE_COLUMNS, quote
from lpss_pipeline.quality.quarantine import (
    REASON_FILE,
    Quarantine,
    ensure_quarantine_ledger,
    latest_good_batch,
)

from .engine import MappedBatch, map_batch, scratch_connection
from .spec import Mapping, MappingError, active_sources, load_mapping

DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class VendorBatch:
    source: str
    folder: Path
    batch_id: str

    @property
    def label(self) -> str:
        return f"{self.source}/{self.folder.name}"

    @property
    def as_batch(self) -> Batch:
        """The vendor batch as the quarantine and receipts see a batch (its source as the system)."""
        return Batch(self.source, self.batch_id, self.folder)

    def _entries(self) -> list[tuple[Path, os.stat_result]]:
        """Every entry but sub-folders, as it is (``lstat``: a symbolic link is never followed)."""
        if self.folder.is_symlink():  # the folder itself: not entered (refused)
            return [(self.folder, self.folder.lstat())]
        entries = [(p, p.lstat()) for p in sorted(self.folder.iterdir())]
        return [(p, st) for p, st in entries if not stat.S_ISDIR(st.st_mode)]

    def stats(self) -> dict[str, list[int]]:
        """Each file's size and modification time: a cheap first look before any checksum (a link,
        a pipe: its own, never its target's)."""
        return {p.name: [st.st_size, st.st_mtime_ns] for p, st in self._entries()}

    @cached_property
    def checksums(self) -> dict[str, str]:
        """Each file's sha256, read once: the receipt, the manifest and the sensor all need them.
        What is not a plain file is never read (the batch is refused): it is listed as such."""
        return {
            p.name: file_sha256(p)
            if stat.S_ISREG(st.st_mode)
            else f"not a plain file ({stat.filemode(st.st_mode)})"
            for p, st in self._entries()
        }

    def fingerprint(self) -> str:
        """Identity of what the vendor delivered: every file's name and checksum."""
        listing = "".join(f"{name}\0{sha}\n" for name, sha in self.checksums.items())
        return hashlib.sha256(listing.encode()).hexdigest()


def batch_id_of(folder_name: str) -> str | None:
    """``2026-11-30T060000Z`` as it is; a dated folder ``2026-11-30`` as that day's midnight UTC."""
    if BATCH_ID_PATTERN.match(folder_name):
        return folder_name
    if DATE_FOLDER.match(folder_name):
        return f"{folder_name}T000000Z"
    return None


def is_complete(mapping: Mapping, folder: Path, batch_id: str) -> bool:
    ((kind, name),) = mapping.completion.items()
    if kind == "dated_file":
        day = datetime.strptime(batch_id, BATCH_ID_FORMAT)
        name = name.replace("{date}", f"{day:%Y-%m-%d}").replace("{yyyymmdd}", f"{day:%Y%m%d}")
    return (folder / name).is_file()


def vendor_batches(landing_dir: Path, mapping: Mapping) -> list[VendorBatch]:
    """The source's complete batches, oldest first."""
    root = Path(landing_dir) / mapping.source
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        batch_id = batch_id_of(folder.name)
        if batch_id and is_complete(mapping, folder, batch_id):
            found.append(VendorBatch(mapping.source, folder, batch_id))
    return found


def _write_entity(
    con: duckdb.DuckDBPyConnection, mapped_table: str, system: str, name: str, path: Path
) -> int:
    lineage = dict(zip(LINEAGE_COLUMNS, ("_file", "_lines"), strict=True))
    select = ", ".join(
        [*map(quote, entity(system, name).column_names), *(f"{v} AS {k}" for k, v in lineage.items())]
    )
    target = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT {select} FROM {mapped_table} ORDER BY _row) TO '{target}' (FORMAT parquet)")
    return con.execute(f"SELECT count(*) FROM {mapped_table}").fetchone()[0]


def write_contract_batch(
    con: duckdb.DuckDBPyConnection, mapped: MappedBatch, vendor: VendorBatch, landing_dir: Path
) -> Path:
    """The mapped entities as contract batch ``landing/<system>/<batch_id>/``, manifest last."""
    mapping = mapped.mapping
    folder = Path(landing_dir) / mapping.system / vendor.batch_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_NAME).unlink(missing_ok=True)
    files = {}
    for name, e in mapped.entities.items():
        path = folder / f"{name}.parquet"
        rows = _write_entity(con, e.table, mapping.system, name, path)
        files[name] = {"file": path.name, "rows": rows, "sha256": file_sha256(path)}
    manifest = {
        "system": mapping.system,
        "batch_id": vendor.batch_id,
        "exported_at": datetime.strptime(vendor.batch_id, BATCH_ID_FORMAT).replace(tzinfo=UTC).isoformat(),
        "files": files,
        "source": {
            "name": mapping.source,
            "folder": f"{mapping.source}/{vendor.folder.name}",
            "mapping": str(mapping.path.name),
            "fingerprint": vendor.fingerprint(),
            "vendor_files": {f.path.name: vendor.checksums[f.path.name] for f in mapped.files},
        },
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder


def mapped_source(folder: Path) -> dict | None:
    """The ``source`` block of a contract batch's manifest: None for a batch exported as contract."""
    try:
        return json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return None


def conflict(vendor: VendorBatch, mapping: Mapping, landing_dir: Path) -> Finding | None:
    """A contract batch of that id exists and is not this delivery's own mapping."""
    folder = Path(landing_dir) / mapping.system / vendor.batch_id
    if not folder.exists():
        return None
    source = mapped_source(folder) or {}
    if source.get("name") == mapping.source and source.get("fingerprint") == vendor.fingerprint():
        return None
    owner = f"source {source['name']}" if source.get("name") else "a contract export"
    return Finding(
        f"{vendor.label}",
        f"{mapping.system}/{vendor.batch_id} already exists from {owner}; raw data is append-only, so send "
        "the correction as a new batch with a later folder name",
        check="mapping",
    )


def map_to_contract(
    mapping: Mapping, vendor: VendorBatch, landing_dir: Path
) -> tuple[MappedBatch | None, list[Finding], Path | None]:
    """Map one vendor batch in a private DuckDB; write the contract batch unless refused."""
    clash = conflict(vendor, mapping, landing_dir)
    if clash:
        return None, [clash], None
    with tempfile.TemporaryDirectory(prefix="lpss-map-") as scratch, scratch_connection(Path(scratch)) as con:
        mapped = map_batch(con, mapping, vendor.folder, Path(scratch))
        if mapped.refused:
            return mapped, mapped.findings, None
        return mapped, mapped.findings, write_contract_batch(con, mapped, vendor, landing_dir)


@dataclass
class MappingResult:
    vendor: VendorBatch
    status: str  # mapped | refused | unchanged (the same files as the delivery loaded last)
    findings: list[Finding]
    contract_folder: Path | None = None
    same_as: str | None = None  # unchanged: the contract batch it repeats
    report: Path | None = None  # refused: the quarantine's _quarantine.json, every finding in it


def contents(vendor: VendorBatch) -> list[str]:
    """What the vendor delivered, whatever the files are called (a daily export's name carries its date)."""
    return sorted(vendor.checksums.values())


def repeats_latest(
    con: duckdb.DuckDBPyConnection, mapping: Mapping, vendor: VendorBatch, receipts_dir: Path
) -> str | None:
    """The contract batch this delivery repeats: the source's last mapped delivery had the same file
    contents under the same mapping, and its contract batch is the system's latest good batch."""
    earlier = []
    for path in (Path(receipts_dir) / vendor.source).glob("*.json"):
        receipt = json.loads(path.read_text())
        if receipt.get("status") == "mapped" and receipt["batch_id"] < vendor.batch_id:
            earlier.append(receipt)
    if not earlier:
        return None
    last = max(earlier, key=lambda r: r["batch_id"])
    same = last.get("contents") == contents(vendor) and last.get("mapping_sha256") == file_sha256(
        mapping.path
    )
    latest = latest_good_batch(con, mapping.system)
    return latest if same and latest == last["contract_batch"] else None


def receipt_path(receipts_dir: Path, vendor: VendorBatch) -> Path:
    return Path(receipts_dir) / vendor.source / f"{vendor.batch_id}.json"


def handled(receipts_dir: Path, vendor: VendorBatch) -> bool:
    """A receipt for this exact delivery exists: mapped or refused, it is not tried again."""
    try:
        receipt = json.loads(receipt_path(receipts_dir, vendor).read_text())
        return receipt["stats"] == vendor.stats() or receipt["fingerprint"] == vendor.fingerprint()
    except (OSError, ValueError, KeyError):
        return False


def write_receipt(receipts_dir: Path, result: MappingResult, mapping_path: Path) -> None:
    path = receipt_path(receipts_dir, result.vendor)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "source": result.vendor.source,
        "batch_id": result.vendor.batch_id,
        "fingerprint": result.vendor.fingerprint(),
        "stats": result.vendor.stats(),
        "status": result.status,
        "contract_batch": str(result.contract_folder.name) if result.contract_folder else None,
        "same_as": result.same_as,
        "contents": contents(result.vendor),
        "mapping_sha256": file_sha256(mapping_path),
        "findings": [str(f) for f in result.findings],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    tmp.replace(path)


def pending(landing_dir: Path, receipts_dir: Path, mapping: Mapping) -> list[VendorBatch]:
    return [v for v in vendor_batches(landing_dir, mapping) if not handled(receipts_dir, v)]


def pending_by_source(
    config_dir: Path, landing_dir: Path, receipts_dir: Path
) -> tuple[list[tuple[Mapping, list[VendorBatch]]], dict[str, str]]:
    """Every active source with vendor batches to map, and the sources whose mapping file cannot be
    read while batches wait for them (name -> the file's checksum): their asset's run names the
    error, once per version of the file."""
    found, broken = [], {}
    for name, path in active_sources(config_dir, landing_dir).items():
        try:
            mapping = load_mapping(path, name)
        except MappingError:
            waiting = [p for p in (Path(landing_dir) / name).glob("*") if p.is_dir() and batch_id_of(p.name)]
            if any(not (Path(receipts_dir) / name / f"{batch_id_of(p.name)}.json").exists() for p in waiting):
                broken[name] = file_sha256(path)
            continue
        batches = pending(landing_dir, receipts_dir, mapping)
        if batches:
            found.append((mapping, batches))
    return found, broken


def map_pending(
    con: duckdb.DuckDBPyConnection,
    mapping: Mapping,
    landing_dir: Path,
    receipts_dir: Path,
    quarantine: Quarantine,
) -> list[MappingResult]:
    """Map every complete vendor batch of the source not handled yet, oldest first.

    A refused batch is quarantined (files copied, reason recorded, the data channel alerted) and
    does not stop the others; its contract batch is never written, so nothing reaches raw. A
    delivery that repeats the one loaded last (same contents, same mapping) is recorded
    ``unchanged`` beside the contract batches (ops.unchanged_batches) and skipped quietly.
    """
    ensure_quarantine_ledger(con)
    ensure_unchanged_ledger(con)
    results = []
    for vendor in pending(landing_dir, receipts_dir, mapping):
        hostile = not_plain_entries(vendor.folder, vendor.label)
        if hostile:  # a link, a pipe, a device: refused before anything in the folder is read
            folder = quarantine.quarantine(con, vendor.as_batch, "mapping", hostile)
            result = MappingResult(vendor, "refused", hostile, report=folder / REASON_FILE)
            write_receipt(receipts_dir, result, mapping.path)
            results.append(result)
            continue
        same_as = repeats_latest(con, mapping, vendor, receipts_dir)
        if same_as:
            record_unchanged(
                con, Batch(mapping.system, vendor.batch_id, vendor.folder), vendor.fingerprint(), same_as
            )
            result = MappingResult(vendor, "unchanged", [], same_as=same_as)
            write_receipt(receipts_dir, result, mapping.path)
            results.append(result)
            continue
        _, findings, folder = map_to_contract(mapping, vendor, landing_dir)
        if folder is None:
            kept = quarantine.quarantine(con, vendor.as_batch, "mapping", findings)
            result = MappingResult(vendor, "refused", findings, report=kept / REASON_FILE)
        else:
            result = MappingResult(vendor, "mapped", findings, folder)
        write_receipt(receipts_dir, result, mapping.path)
        results.append(result)
    return results
