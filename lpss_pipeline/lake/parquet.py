"""DuckDB tables to Parquet that Spark reads, in one vectorised ``COPY`` per file.

Spark refuses some DuckDB types in Parquet (UUID, JSON, unsigned integers), so those columns are
cast first, and every column gets the Spark type it will be declared with: DuckDB's ``TIMESTAMP``
(no time zone) is Spark's ``timestamp_ntz``, ``TIMESTAMP WITH TIME ZONE`` Spark's ``timestamp``.
Each file is written beside its place and renamed into it, so Spark never reads half a file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB type -> (the DuckDB type it is cast to before writing, or None; the Spark type it reads as)
TYPES: dict[str, tuple[str | None, str]] = {
    "VARCHAR": (None, "string"),
    "BOOLEAN": (None, "boolean"),
    "TINYINT": (None, "tinyint"),
    "SMALLINT": (None, "smallint"),
    "INTEGER": (None, "int"),
    "BIGINT": (None, "bigint"),
    "HUGEINT": ("DECIMAL(38, 0)", "decimal(38,0)"),
    "UTINYINT": ("SMALLINT", "smallint"),
    "USMALLINT": ("INTEGER", "int"),
    "UINTEGER": ("BIGINT", "bigint"),
    "UBIGINT": ("DECIMAL(20, 0)", "decimal(20,0)"),
    "FLOAT": (None, "float"),
    "DOUBLE": (None, "double"),
    "DATE": (None, "date"),
    "TIMESTAMP": (None, "timestamp_ntz"),
    "TIMESTAMP WITH TIME ZONE": (None, "timestamp"),
    "UUID": ("VARCHAR", "string"),
    "JSON": ("VARCHAR", "string"),
}
DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
PART = "part-0.parquet"


@dataclass(frozen=True)
class Column:
    name: str
    duckdb_type: str

    @property
    def spark_type(self) -> str:
        decimal = DECIMAL.fullmatch(self.duckdb_type)
        if decimal:
            return f"decimal({decimal[1]},{decimal[2]})"
        if self.duckdb_type not in TYPES:
            raise ValueError(f"column {self.name} is {self.duckdb_type}, which lpss does not write for Spark")
        return TYPES[self.duckdb_type][1]

    @property
    def selected(self) -> str:
        cast = None if DECIMAL.fullmatch(self.duckdb_type) else TYPES.get(self.duckdb_type, (None,))[0]
        quoted = f'"{self.name}"'
        return f"CAST({quoted} AS {cast}) AS {quoted}" if cast else quoted


def columns_of(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[Column]:
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = ? AND table_name = ? "
        "ORDER BY column_index",
        [schema, table],
    ).fetchall()
    return [Column(name, kind) for name, kind in rows]


def spark_ddl(columns: list[Column]) -> str:
    """``name type, ...`` for Spark's ``CREATE TABLE``."""
    return ", ".join(f"`{c.name}` {c.spark_type}" for c in columns)


def write_parquet(
    con: duckdb.DuckDBPyConnection,
    columns: list[Column],
    source: str,
    target: Path,
    params: list | None = None,
) -> None:
    """``SELECT <columns> FROM <source>`` (a table, with any ``WHERE``) to ``target``, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    select = ", ".join(c.selected for c in columns)
    con.execute(f"COPY (SELECT {select} FROM {source}) TO '{scratch}' (FORMAT parquet)", params or [])
    os.replace(scratch, target)
