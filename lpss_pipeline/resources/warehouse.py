"""The DuckDB warehouse file, opened only for the duration of one step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from lpss_pipeline.heap import release_freed_memory
from lpss_pipeline.settings import duckdb_config


class WarehouseResource(dg.ConfigurableResource):
    """``LPSS_HOME/warehouse.duckdb``. Connections are closed as soon as a step is done, because an
    open connection in any other process makes dbt (and every other writer) fail to lock the file."""

    path: str
    published_path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only, config=duckdb_config())
        try:
            yield con
        finally:
            con.close()
            release_freed_memory()
