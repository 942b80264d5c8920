"""The validated configuration written into the warehouse's ``config`` schema, where dbt reads it."""

from __future__ import annotations

import duckdb

from lpss_pipeline.config.files import columns_of
from lpss_pipeline.config.inputs import computed_inputs

Rows = tuple[dict[str, str], ...]


def _value(kind: str, text: str) -> object:
    if text == "":
        return None
    if kind == "boolean":
        return text == "true"
    if kind == "integer":
        return int(float(text))
    return float(text) if kind == "number" else text


def write_tables(con: duckdb.DuckDBPyConnection, files: dict[str, Rows]) -> None:
    """Replace every ``config.<file>`` table, and ``config.computed_inputs``, in one transaction: dbt
    never sees half a configuration."""
    con.execute("CREATE SCHEMA IF NOT EXISTS config")
    con.execute("BEGIN")
    for name, rows in files.items():
        columns = columns_of(name)
        declared = ", ".join(f'"{c.name}" {c.sql_type}' for c in columns)
        con.execute(f"CREATE OR REPLACE TABLE config.{name} ({declared})")
        if rows:
            con.executemany(
                f"INSERT INTO config.{name} VALUES ({', '.join('?' for _ in columns)})",
                [[_value(c.kind, row[c.name]) for c in columns] for row in rows],
            )
    con.execute(
        "CREATE OR REPLACE TABLE config.computed_inputs "
        "(kind VARCHAR, id VARCHAR, system VARCHAR, entity VARCHAR)"
    )
    con.executemany("INSERT INTO config.computed_inputs VALUES (?, ?, ?, ?)", computed_inputs())
    con.execute("COMMIT")
