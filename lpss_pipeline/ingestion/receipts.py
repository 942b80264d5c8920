"""Ingest receipts: a small file per batch attempt, so the sensor never opens the warehouse.

DuckDB lets one process write a database file and refuses other processes even a read-only
connection meanwhile, so a sensor polling ``ops.ingested_batches`` would collide with running
loads. The warehouse stays the source of truth (loading is idempotent); a receipt only tells the
sensor that a batch with this exact manifest has already been handled.
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


def write_receipt(receipts_dir: Path, result: BatchResult) -> None:
    batch = result.batch
    if result.status == "already_loaded" and receipt_path(receipts_dir, batch).exists():
        return
    try:
        manifest_sha = batch.manifest_sha256
    except OSError:
        manifest_sha = None
    body = {
        "system": batch.system,
        "batch_id": batch.batch_id,
        "manifest_sha256": manifest_sha,
        "status": "refused" if result.status == "refused" else "loaded",
        "rows": result.rows,
        "error": str(result.error) if result.error else None,
    }
    path = receipt_path(receipts_dir, batch)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)


def unhandled_batches(landing_dir: Path, receipts_dir: Path) -> list[Batch]:
    """Complete batches with no receipt for their current manifest: new, or re-delivered changed."""
    pending = []
    for batch in discover_batches(landing_dir):
        path = receipt_path(receipts_dir, batch)
        try:
            handled = json.loads(path.read_text())["manifest_sha256"] == batch.manifest_sha256
        except (OSError, ValueError, KeyError):
            handled = False
        if not handled:
            pending.append(batch)
    return pending
