"""Arrow columns built straight from numpy buffers, without a Python object per row.

Ids are fixed-width strings assembled as bytes; repeated strings (employee ids in event tables,
course names, titles) are dictionary arrays whose indexes are the simulation's codes, decoded
to plain strings by ``batch_writer.conform``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from .timeline import NO_DAY


def fixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """``prefix`` + zero-padded ``numbers``, e.g. ``E0000001``."""
    numbers = np.asarray(numbers, dtype=np.int64)
    if len(numbers) and numbers.max() >= 10**width:
        raise ValueError(f"{prefix} ids overflow {width} digits")
    digits = (numbers[:, None] // 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)) % 10
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    body = np.concatenate(
        [np.broadcast_to(head, (len(numbers), len(head))), (digits + 48).astype(np.uint8)], axis=1
    )
    size = body.shape[1]
    offsets = np.arange(len(numbers) + 1, dtype=np.int32) * size
    return pa.Array.from_buffers(
        pa.string(), len(numbers), [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(body))]
    )


def coded(
    codes: np.ndarray, dictionary: pa.Array | Sequence[str], null: np.ndarray | None = None
) -> pa.Array:
    """Strings by code into ``dictionary``; rows where ``null`` is true (or code < 0) are null."""
    codes = np.ascontiguousarray(codes)
    if codes.dtype not in (np.int8, np.int16, np.int32):
        codes = codes.astype(np.int32)
    mask = codes < 0 if null is None else (np.asarray(null) | (codes < 0))
    values = dictionary if isinstance(dictionary, pa.Array) else pa.array(list(dictionary), pa.string())
    # without nulls (the usual case) the codes' own buffer, of any signed width, is used as is
    indices = pa.array(np.where(mask, 0, codes), mask=mask) if mask.any() else pa.array(codes)
    return pa.DictionaryArray.from_arrays(indices, values)


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """date32 from day numbers; ``NO_DAY`` (and ``null`` rows) become null."""
    days = np.asarray(days, dtype=np.int32)
    mask = days == NO_DAY if null is None else (np.asarray(null) | (days == NO_DAY))
    if not mask.any():
        return pa.Array.from_buffers(pa.date32(), len(days), [None, pa.py_buffer(np.ascontiguousarray(days))])
    return pa.array(np.where(mask, 0, days), type=pa.date32(), mask=mask)


def numbers(values: np.ndarray, type_: pa.DataType, null: np.ndarray | None = None) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values, type=type_, mask=null if null is not None and null.any() else None)


def table(**columns: pa.Array) -> pa.Table:
    return pa.table(columns)
