"""Read-only access to the published marts, opened afresh for every request.

The pipeline republishes ``published/lpss_marts.duckdb`` by renaming a new file over the old one.
A connection opened before the rename keeps reading its snapshot; the next request opens the new
file. Nothing here ever opens the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb


class MartsUnavailable(RuntimeError):
    """The marts have not been published yet (no pipeline run has finished)."""


class MartsReader:
    """Named-parameter queries returning plain dicts, ready for templates and JSON."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        cursor = self._con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    def row(self, sql: str, **params: Any) -> dict[str, Any] | None:
        found = self.rows(sql, **params)
        return found[0] if found else None

    def rows_with(self, sql: str, frames: dict[str, Any], **params: Any) -> list[dict[str, Any]]:
        """``rows`` with DataFrames (from the dashboard's own store) registered as tables meanwhile."""
        for name, frame in frames.items():
            self._con.register(name, frame)
        try:
            return self.rows(sql, **params)
        finally:
            for name in frames:
                self._con.unregister(name)

    def value(self, sql: str, **params: Any) -> Any:
        found = self._con.execute(sql, params).fetchone()
        return found[0] if found else None


@contextmanager
def reading(path: Path) -> Iterator[MartsReader]:
    if not path.exists():
        raise MartsUnavailable(f"{path} does not exist yet: run `lpss run` (or `make demo`) first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield MartsReader(con)
    finally:
        con.close()
