"""Publishing the marts: a whole-file copy that BI tools read instead of the warehouse.

DuckDB lets one process write a database file and locks out every other process meanwhile, so
readers must never open the warehouse. The copy is written to a temporary file and renamed over
the previous one: a reader holding the old file keeps its snapshot, the next reader sees the new
one, and neither blocks the pipeline.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from lpss_pipeline.settings import duckdb_config

PUBLISHED_SCHEMA = "marts"
DELIVERIES_TABLE = "fct_alert_deliveries"

# The delivery status of every alert and reminder (grain: alert x recipient), from the ops outbox
# (not a dbt model: deliveries change after the build, when the dispatcher sends). Published with
# the marts so the dashboard's alert list reads nothing but the published file.
DELIVERIES_SELECT = """
    select delivery_id, alert_key, rule_id, severity, recipient_kind, recipient, recipient_roles,
        content ->> 'title' as title, content ->> 'message' as message,
        content ->> 'subject_employee_id' as subject_employee_id, content ->> 'subject_name' as subject_name,
        content ->> 'period' as period, status, attempts, last_error, delivered_via, planned_at, delivered_at
    from {source}.ops.alert_deliveries
"""


def temporary_copy(target: Path) -> Path:
    """Where a new copy of ``target`` is written before the rename. The name carries the writer's pid,
    so a copy left by a killed process is recognised and removed (recovery/home.py)."""
    return target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")


def publish_schema(warehouse_path: Path, target: Path, schema: str = PUBLISHED_SCHEMA) -> dict[str, int]:
    """Copy every table of ``schema`` into ``target`` atomically, then recreate its views over the
    copies; return rows per table (views are not counted: dim_access_grants expands on read)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_copy(target)
    rows: dict[str, int] = {}
    con = duckdb.connect(str(tmp), config=duckdb_config())
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
        for (view_sql,) in con.execute(
            "SELECT sql FROM duckdb_views() WHERE database_name = 'warehouse' AND schema_name = ? "
            "ORDER BY view_name",
            [schema],
        ).fetchall():
            # DuckDB keeps a view's SQL without its own catalog (it binds in the view's database),
            # so the same text binds to the copied tables here.
            con.execute(view_sql)
        if _has_outbox(con, "warehouse"):
            deliveries = DELIVERIES_SELECT.format(source="warehouse")
            con.execute(f'CREATE TABLE "{schema}".{DELIVERIES_TABLE} AS {deliveries}')
            rows[DELIVERIES_TABLE] = con.execute(
                f'SELECT count(*) FROM "{schema}".{DELIVERIES_TABLE}'
            ).fetchone()[0]
        con.execute("DETACH warehouse")
        con.close()
        os.replace(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return rows


def _has_outbox(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'ops' "
            "AND table_name = 'alert_deliveries'",
            [database],
        ).fetchone()[0]
    )


def republish_deliveries(warehouse: duckdb.DuckDBPyConnection, target: Path) -> int | None:
    """Refresh only the delivery-status table of the published file, after a dispatch.

    The published file is copied, the copy updated through ``warehouse`` (the dispatcher's own
    connection: a second connection to the warehouse from this process would conflict) and renamed
    over the original, so readers see the marts unchanged and the statuses current. None when
    nothing is published yet (the next full publish brings the table).
    """
    source = warehouse.execute("SELECT current_database()").fetchone()[0]
    if not target.exists() or not _has_outbox(warehouse, source):
        return None
    tmp = temporary_copy(target)
    shutil.copyfile(target, tmp)
    try:
        warehouse.execute("ATTACH ? AS lpss_published", [str(tmp)])
        try:
            warehouse.execute(
                f"CREATE OR REPLACE TABLE lpss_published.{PUBLISHED_SCHEMA}.{DELIVERIES_TABLE} AS "
                + DELIVERIES_SELECT.format(source=source)
            )
            count = warehouse.execute(
                f"SELECT count(*) FROM lpss_published.{PUBLISHED_SCHEMA}.{DELIVERIES_TABLE}"
            ).fetchone()[0]
        finally:
            warehouse.execute("DETACH lpss_published")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count
