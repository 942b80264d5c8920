"""Valid rows for any contract entity, derived from its declaration (types, allowed values, ranges).

Ingestion tests use these instead of the generator so that each broken-export case starts from a
minimal batch whose every value is known.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from lpss_pipeline.contract import Column, Entity, entities_of
from lpss_pipeline.synthetic.batch_writer import write_batch


def _value(c: Column, i: int):
    if c.allowed:
        return c.allowed[i % len(c.allowed)]
    lo = int(c.min) if c.min is not None else 0
    hi = int(c.max) if c.max is not None else lo + 1000
    match c.type:
        case "string":
            return f"{c.name}-{i:04d}"
        case "integer":
            return lo + i % (hi - lo + 1)
        case "number":
            return float(lo + (i * 0.5) % (hi - lo))
        case "boolean":
            return i % 2 == 0
        case "date":
            return date(2025, 1 + i % 12, 1 + i % 28)
        case "month":
            return date(2025, 1 + i % 12, 1)
        case "quarter":
            return date(2025, 1 + 3 * (i % 4), 1)
        case "timestamp":
            return datetime(2025, 1 + i % 12, 1 + i % 28, 9, 30, tzinfo=UTC)
    raise AssertionError(c.type)


def valid_table(e: Entity, rows: int, offset: int = 0) -> pa.Table:
    """``rows`` rows with unique keys: row i gets the i-th value of every column (plus ``offset``)."""
    return pa.table({c.name: [_value(c, i + offset) for i in range(rows)] for c in e.columns})


def write_valid_batch(landing: Path, system: str, batch_id: str, rows: int = 6, offset: int = 0) -> Path:
    tables = {e.name: valid_table(e, rows, offset) for e in entities_of(system)}
    return write_batch(landing, system, batch_id, tables)
