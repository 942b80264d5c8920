"""Dagster's SQLite event log, keeping its connections open instead of opening one per statement.

Dagster's ``SqliteEventLogStorage`` builds a new SQLAlchemy engine and opens a new SQLite
connection for every statement it stores (three per asset-check event), and a dbt build reports
an event per model and per test. This subclass keeps an engine, with one open connection, for
each of the few database files (shards) a process is writing: the same files, journal mode and
durability as before, and the same file-watching live logs in the UI. Statements stay serialised
by the storage's own lock, so one connection per shard is enough. Measured figures are in the
README (Performance).

Configured in ``dagster.yaml`` by lpss_pipeline/settings.py.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

import lpss_pipeline.pool_wait  # noqa: F401  (a waiting step sleeps: every process opening the instance)

OPEN_SHARDS = 8
"""Engines kept per process: the index shard and the runs being written. A webserver reads the
events of many runs; the least recently used engine is closed past this many."""


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with a long-lived engine and connection per shard."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._engines_lock = threading.Lock()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            if self._engines_pid != os.getpid():  # a forked child must not share the parent's handles
                self._engines, self._engines_pid = OrderedDict(), os.getpid()
            if shard in self._engines:
                self._engines.move_to_end(shard)
                return self._engines[shard]
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            self._engines[shard] = engine
            while len(self._engines) > OPEN_SHARDS:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    def _close_engines(self) -> None:
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def wipe(self) -> None:
        self._close_engines()  # the run shards' files are deleted
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()
