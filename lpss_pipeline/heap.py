"""Giving freed memory back to the system between the steps of one long-running process."""

import ctypes
import ctypes.util
from functools import cache


def release_freed_memory() -> None:
    """Hand the heap a step has freed back to the system (glibc's ``malloc_trim``).

    The steps run one after the other in one process, and glibc keeps what a step freed (pandas
    frames, DuckDB results) for reuse: without this, the process's resident memory stays at the
    biggest step's peak while dbt, in its own process, needs its whole budget. No-op off glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    """glibc's ``malloc_trim``, looked up once (``find_library`` runs ``ldconfig``), or None."""
    libc = ctypes.util.find_library("c")
    return getattr(ctypes.CDLL(libc), "malloc_trim", None) if libc else None
