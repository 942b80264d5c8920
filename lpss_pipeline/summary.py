"""What is in the warehouse: the batch ledger and row counts, for `lpss status` and `lpss demo`."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.settings import Settings


@dataclass
class WarehouseSummary:
    batches: list[tuple]  # system, batch_id, status, loaded_or_quarantined_at, rows
    tables: list[tuple[str, int, int]]  # raw table, rows, batches contributing


def summarize(settings: Settings) -> WarehouseSummary | None:
    """None when there is no warehouse yet. Opens it read-only and closes it at once."""
    if not settings.warehouse_path.exists():
        return None
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        existing = {
            r[0]
            for r in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            ).fetchall()
        }
        batches = []
        if "ops.ingested_batches" in existing:
            batches = con.execute("""
                SELECT system, batch_id, 'loaded', loaded_at, rows_loaded FROM ops.ingested_batches
                UNION ALL
                SELECT system, batch_id, 'quarantined (' || arg_max(stage, quarantined_at) || ')',
                    max(quarantined_at), NULL
                FROM ops.quarantined_batches
                GROUP BY system, batch_id
                ORDER BY batch_id, system""").fetchall()
        tables = []
        for e in ENTITIES.values():
            name = f"raw.{e.raw_table}"
            if name in existing:
                rows, n_batches = con.execute(
                    f'SELECT count(*), count(DISTINCT _batch_id) FROM raw."{e.raw_table}"'
                ).fetchone()
                tables.append((name, rows, n_batches))
        return WarehouseSummary(batches, tables)
    finally:
        con.close()


HEADLINE_SQL = """
    SELECT k.kpi_id, k.period_start, k.value, k.target, k.meets_target, k.unit, k.population
    FROM marts.fct_kpis AS k
    WHERE k.cut = 'organisation' AND k.value IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY k.kpi_id ORDER BY k.period_start DESC) = 1
    ORDER BY k.kpi_id
"""


def headline_kpis(settings: Settings) -> list[tuple]:
    """Latest organisation-wide value of every KPI, read from the published marts (never the warehouse)."""
    if not settings.published_path.exists():
        return []
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        return con.execute(HEADLINE_SQL).fetchall() if "fct_kpis" in tables else []
    finally:
        con.close()


QUALITY_SQL = {
    "latest": """
        SELECT system, entity, batch_id, status, expectations, blocking_findings, warnings, checked_at
        FROM ops.data_quality_runs
        QUALIFY row_number() OVER (PARTITION BY system, entity ORDER BY checked_at DESC, batch_id DESC) = 1
        ORDER BY system, entity""",
    "findings": """
        SELECT system, batch_id, blocking, message FROM ops.data_quality_findings
        WHERE checked_at >= (SELECT max(checked_at) - INTERVAL 1 DAY FROM ops.data_quality_findings)
        ORDER BY checked_at DESC, blocking DESC LIMIT 20""",
    "quarantined": """
        SELECT system, batch_id, stage, quarantined_at, folder FROM ops.quarantined_batches
        ORDER BY quarantined_at DESC LIMIT 20""",
}


def quality_report(settings: Settings) -> dict[str, list[tuple]] | None:
    """The latest data-integrity results per entity, recent findings and quarantined batches."""
    if not settings.warehouse_path.exists():
        return None
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        existing = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'ops'"
            ).fetchall()
        }
        if not {"data_quality_runs", "data_quality_findings", "quarantined_batches"} <= existing:
            return None
        return {name: con.execute(sql).fetchall() for name, sql in QUALITY_SQL.items()}
    finally:
        con.close()
