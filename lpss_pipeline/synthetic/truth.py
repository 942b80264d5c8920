"""The latent truth behind the exports, for evaluating the readiness model (SPEC section 8).

Written to ``<truth_dir>/latent_truth.parquet``, never into the landing zone: one row per
person-month for people at levels 0-3 in post that month (hired by as_of), with their latent
ability, performance and readiness, and ``promoted_within_12m``: true when promoted in the 12
following months, false when that window has closed (or the person left) without one, null
while still open. Written a month per row group (the latent values as float32), so a
million-employee truth is never in memory at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .asof import AsOf
from .columns import coded, dates
from .timeline import month_number

TRUTH_FILE = "latent_truth.parquet"


def _promotion_keys(v: AsOf) -> np.ndarray:
    promo = v.sim.log.frame("promotions")
    return np.sort(promo["person"].astype(np.int64) << 32 | promo["day"].astype(np.int64))


def latent_truth(v: AsOf, step: int, keys: np.ndarray | None = None) -> pa.Table:
    """The truth rows of simulation month ``step`` (one Parquet row group)."""
    sim, P, log = v.sim, v.sim.people, v.sim.log
    keys = _promotion_keys(v) if keys is None else keys
    frame = log.frame("truth")
    rows = slice(log.rows_before("truth", step), log.rows_before("truth", step + 1))
    person, level, perf, ready = (frame[k][rows] for k in ("person", "level", "performance", "readiness"))
    if step >= v.settled_step:  # as_of's month may hold hires who start after as_of
        ok = v.visible[person]
        person, level, perf, ready = person[ok], level[ok], perf[ok], ready[ok]
    starts, last = sim.window.starts, month_number(v.as_of) - sim.window.start_month
    base = person.astype(np.int64) << 32
    after = np.searchsorted(keys, base | int(starts[step + 1]), side="left")
    until = np.searchsorted(keys, base | int(starts[min(step + 13, len(starts) - 1)]), side="left")
    promoted = after < until
    closed = (step + 12 <= last) | (P["term_day"][person] <= v.day)
    return pa.table(
        {
            "employee_id": coded(person, v.ids).cast(
                pa.string()
            ),  # a 1M-entry dictionary per row group is slow
            "month": dates(np.full(len(person), starts[step], dtype=np.int32)),
            "level": pa.array(level),
            "latent_ability": pa.array(P["ability"][person]),
            "latent_performance": pa.array(perf),
            "latent_readiness": pa.array(ready),
            "promoted_within_12m": pa.array(promoted, mask=~(promoted | closed)),
        }
    )


def write_truth(v: AsOf, truth_dir: Path) -> Path:
    """Write the truth up to as_of, one row group per month, replacing any earlier file atomically."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    path = truth_dir / TRUTH_FILE
    tmp = path.with_suffix(".parquet.tmp")
    keys = _promotion_keys(v)
    writer = None
    for step in range(month_number(v.as_of) - v.sim.window.start_month + 1):
        part = latent_truth(v, step, keys)
        writer = writer or pq.ParquetWriter(tmp, part.schema, compression="zstd")
        writer.write_table(part)
    if writer is not None:
        writer.close()
    tmp.replace(path)
    return path
