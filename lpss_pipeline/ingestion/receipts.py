"""Ingest receipts: a small file per batch attempt, so the sensor never opens the warehouse.

DuckDB lets one process write a database file and refuses other processes even a read-only
connection meanwhile, so a sensor polling ``ops.ingested_batches`` would collide with running
loads. The warehouse stays the source of truth (loading is idempotent); a receipt only tells the
sensor that a batch with this exact manifest has already been handled: loaded, found unchanged (a
copy of the latest good batch, so the sensor does not launch it again) or refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .landing import Batch, discover_batches

if TYPE_CHECKING:
    from .loader import BatchResult


def receipt_path(receipts_dir: Path, batch: Batch) -> Path:
    return Path(receipts_dir) / batch.system / f"{batch.batch_id}.json"


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def write_receipt(receipts_dir: Path, result: BatchResult) -> None:
    """The receipt of a batch attempt: ``loaded`` (now or before), ``unchanged`` (a copy of the latest
    good batch, nothing loaded) or ``refused``; kept as it is when it already says so."""
    batch = result.batch
    status = {"refused": "refused", "unchanged": "unchanged"}.get(result.status, "loaded")
    path = receipt_path(receipts_dir, batch)
    try:
        manifest_sha = batch.manifest_sha256
    except OSError:
        manifest_sha = None
    before = _read(path) or {}
    said = (before.get("status"), before.get("manifest_sha256"))
    if result.status in ("already_loaded", "unchanged") and said == (status, manifest_sha):
        return
    body = {
        "system": batch.system,
        "batch_id": batch.batch_id,
        "manifest_sha256": manifest_sha,
        "status": status,
        "rows": result.rows,
        "error": str(result.error) if result.error else None,
        "same_as": result.same_as,
        "notes": [str(f) for f in result.notes],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def unhandled_batches(landing_dir: Path, receipts_dir: Path) -> list[Batch]:
    """Complete batches with no receipt for their current manifest: new, or re-delivered changed."""
    pending = []
    for batch in discover_batches(landing_dir):
        receipt = _read(receipt_path(receipts_dir, batch)) or {}
        if receipt.get("manifest_sha256") != batch.manifest_sha256:
            pending.append(batch)
    return pending
