"""Publishing the marts: a whole-file copy that BI tools read instead of the warehouse.

DuckDB lets one process write a database file and locks out every other process meanwhile, so
readers must never open the warehouse. The copy is written to a temporary file and renamed over
the previous one: a reader holding the old file keeps its snapshot, the next reader sees the new
one, and neither blocks the pipeline.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

PUBLISHED_SCHEMA = "marts"


def publish_schema(warehouse_path: Path, target: Path, schema: str = PUBLISHED_SCHEMA) -> dict[str, int]:
    """Copy every table of ``schema`` into ``target`` atomically; return rows per table."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    rows: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(warehouse_path)])
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "WHERE database_name = 'warehouse' AND schema_name = ? ORDER BY table_name",
                [schema],
            ).fetchall()
        ]
        con.execute(f'CREATE SCHEMA "{schema}"')
        for table in tables:
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM warehouse."{schema}"."{table}"')
            rows[table] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        con.execute("DETACH warehouse")
        con.close()
        os.replace(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return rows
