"""What is in the warehouse: the batch ledger and row counts, for `lpss status` and `lpss demo`."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.settings import Settings


@dataclass
class WarehouseSummary:
    batches: list[tuple]  # system, batch_id, status, loaded_or_refused_at, rows
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
                SELECT system, batch_id, 'refused', max(refused_at), NULL FROM ops.refused_batches r
                WHERE NOT EXISTS (SELECT 1 FROM ops.ingested_batches i
                                  WHERE i.system = r.system AND i.batch_id = r.batch_id)
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
