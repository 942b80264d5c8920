"""Write one export batch the way the contract says a source system must.

Files first, ``_manifest.json`` last (row counts and sha256 per file), so a reader that sees a
manifest knows the batch is complete. Output is byte-for-byte deterministic for the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from lpss_pipeline.contract import BATCH_ID_FORMAT, MANIFEST_NAME, entity
from lpss_pipeline.ingestion.landing import file_sha256

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "month": pa.date32(),
    "quarter": pa.date32(),
    "timestamp": pa.timestamp("s", tz="UTC"),
}


def batch_time(batch_id: str) -> datetime:
    return datetime.strptime(batch_id, BATCH_ID_FORMAT).replace(tzinfo=UTC)


def conform(system: str, name: str, table: pa.Table) -> pa.Table:
    """Order and type the columns as the contract declares them; refuse missing or extra ones."""
    declared = entity(system, name)
    extra = set(table.column_names) - set(declared.column_names)
    missing = set(declared.column_names) - set(table.column_names)
    if extra or missing:
        raise ValueError(
            f"{system}/{name}: columns do not match the contract "
            f"(missing {sorted(missing)}, extra {sorted(extra)})"
        )
    arrays = [table.column(c.name).cast(ARROW_TYPES[c.type]) for c in declared.columns]
    return pa.table(arrays, names=list(declared.column_names))


def _csv_ready(table: pa.Table) -> pa.Table:
    """Timestamps as ISO 8601 with an explicit offset, which Arrow's CSV writer does not emit."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            text = pc.strftime(table.column(i), format="%Y-%m-%dT%H:%M:%S+00:00")
            table = table.set_column(i, field.name, text)
    return table


def write_entity_file(directory: Path, name: str, table: pa.Table, fmt: str) -> Path:
    path = directory / f"{name}.{fmt}"
    if fmt == "csv":
        options = pa_csv.WriteOptions(include_header=True, quoting_style="needed")
        pa_csv.write_csv(_csv_ready(table), path, write_options=options)
    elif fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return path


def write_batch(
    landing_dir: Path, system: str, batch_id: str, tables: Mapping[str, pa.Table], fmt: str = "csv"
) -> Path:
    """Write ``tables`` (entity name -> Arrow table) as batch ``batch_id`` and return its folder."""
    directory = Path(landing_dir) / system / batch_id
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST_NAME).unlink(missing_ok=True)  # the batch is incomplete until rewritten
    files = {}
    for name in sorted(tables):
        table = conform(system, name, tables[name])
        path = write_entity_file(directory, name, table, fmt)
        files[name] = {"file": path.name, "rows": table.num_rows, "sha256": file_sha256(path)}
    manifest = {
        "system": system,
        "batch_id": batch_id,
        "exported_at": batch_time(batch_id).isoformat(),
        "files": files,
    }
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return directory
