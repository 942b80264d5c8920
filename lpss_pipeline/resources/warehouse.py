"""The DuckDB warehouse file, opened only for the duration of one step."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from lpss_pipeline.heap import release_freed_memory
from lpss_pipeline.settings import duckdb_config

LOCK_WAIT_SECONDS = 5.0
"""How long a step waits for another process to let go of the warehouse before it fails."""
_LOCKED = ("Could not set lock", "Conflicting lock")
_HOLDER = re.compile(r"\(PID (\d+)\)")


def busy_message(path: str, error: BaseException) -> str | None:
    """DuckDB's error that another process holds the file, as one line for the person at the
    terminal (who holds it, what to do); None for any other error. For every reader of the warehouse
    that must not print DuckDB's own text."""
    text = str(error)
    if not isinstance(error, duckdb.IOException) or not any(marker in text for marker in _LOCKED):
        return None
    pid = _HOLDER.search(text)
    holder = f" (PID {pid.group(1)})" if pid else ""
    return (
        f"the warehouse {path} is in use by another process{holder}, e.g. another lpss command or run; "
        "try again when it finishes"
    )


class WarehouseResource(dg.ConfigurableResource):
    """``LPSS_HOME/warehouse.duckdb``. Connections are closed as soon as a step is done, because an
    open connection in any other process makes dbt (and every other writer) fail to lock the file.

    Steps of runs in this instance are serialised by the ``warehouse`` pool; another process (a
    second ``lpss alerts send``, ``lpss batches retire``, a run of another instance) may still hold
    the file. Then :meth:`connect` waits up to ``lock_wait_seconds`` for it and, if it is still
    held, fails the step with one line naming the holder (:func:`busy_message`), never DuckDB's
    lock error."""

    path: str
    published_path: str
    # dbt on Spark (LPSS_DBT_TARGET=spark): Parquet copies of what dbt reads, and Spark's own folder
    lake_dir: str = ""
    spark_dir: str = ""
    lock_wait_seconds: float = LOCK_WAIT_SECONDS

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_wait_seconds
        pause = 0.1
        while True:
            try:
                return duckdb.connect(self.path, read_only=read_only, config=duckdb_config())
            except duckdb.IOException as error:
                message = busy_message(self.path, error)
                if message is None:
                    raise
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    duckdb_said = str(error).splitlines()[0]
                    raise dg.Failure(description=message, metadata={"duckdb_error": duckdb_said}) from None
                time.sleep(min(pause, remaining))
                pause = min(pause * 2, 1.0)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = self._open(read_only)
        try:
            yield con
        finally:
            con.close()
            release_freed_memory()
