"""Everything dbt reads on Spark, brought to the lake before each dbt step: the raw batches not
written yet (homes loaded before they switched to Spark; ingestion writes new ones), and whole copies
of the tables Python rewrites between builds (the configuration, the batch ledger, the predictions)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from .parquet import PART, Column, columns_of, spark_ddl, write_parquet

BATCH_COLUMN = "_batch_id"
REWRITTEN = (("ops", "quarantined_batches"), ("ml", "readiness_predictions"))
"""Read by dbt besides raw.* and config.*: the ledger ``quarantine_ledger()`` names, the predictions."""
CATALOG = "catalog.parquet"  # not "_...": Spark skips files named so
CATALOG_COLUMNS = [
    Column(name, "VARCHAR") for name in ("schema_name", "table_name", "columns", "partitioned_by", "batches")
]


def batch_folder(lake_dir: Path, raw_table: str, batch_id: str) -> Path:
    return lake_dir / "raw" / raw_table / f"{BATCH_COLUMN}={batch_id}"


def write_batch(con: duckdb.DuckDBPyConnection, lake_dir: Path, raw_table: str, batch_id: str) -> None:
    """One accepted batch's rows of ``raw.<raw_table>``, once; the batch id is the folder's name."""
    columns = [c for c in columns_of(con, "raw", raw_table) if c.name != BATCH_COLUMN]
    target = batch_folder(lake_dir, raw_table, batch_id) / PART
    write_parquet(con, columns, f'raw."{raw_table}" WHERE {BATCH_COLUMN} = ?', target, [batch_id])


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? ORDER BY table_name",
            [schema],
        ).fetchall()
    ]


def _missing_batches(con: duckdb.DuckDBPyConnection, lake_dir: Path, raw_table: str) -> list[str]:
    loaded = con.execute(f'SELECT DISTINCT {BATCH_COLUMN} FROM raw."{raw_table}" ORDER BY 1').fetchall()
    return [b for (b,) in loaded if not (batch_folder(lake_dir, raw_table, b) / PART).exists()]


def sync_lake(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> dict[str, int]:
    """Bring the lake up to date with the warehouse; return the files written per schema."""
    from ml.predict import create_tables  # before any model; on DuckDB dbt creates it on run start

    create_tables(con)
    written = {"raw": 0, "config": 0, "ops": 0, "ml": 0}
    catalog: list[tuple[str, str, str, str | None, str | None]] = []
    for table in _tables(con, "raw"):
        for batch_id in _missing_batches(con, lake_dir, table):
            write_batch(con, lake_dir, table, batch_id)
            written["raw"] += 1
        (lake_dir / "raw" / table).mkdir(parents=True, exist_ok=True)  # a table with no batch yet
        columns = columns_of(con, "raw", table)
        partition = [c for c in columns if c.name == BATCH_COLUMN]  # Spark declares it last
        ddl = spark_ddl([*(c for c in columns if c.name != BATCH_COLUMN), *partition])
        catalog.append(("raw", table, ddl, BATCH_COLUMN, _batches(lake_dir / "raw" / table)))
    for schema, table in [*(("config", t) for t in _tables(con, "config")), *REWRITTEN]:
        columns = columns_of(con, schema, table)
        write_parquet(con, columns, f'{schema}."{table}"', lake_dir / schema / table / PART)
        written[schema] += 1
        catalog.append((schema, table, spark_ddl(columns), None, None))
    _write_catalog(con, catalog, lake_dir / CATALOG)
    return written


def _batches(folder: Path) -> str:
    """A fingerprint of the batches a raw table's folder holds: Spark looks for new ones when it changes."""
    names = sorted(p.parent.name for p in folder.glob(f"{BATCH_COLUMN}=*/{PART}"))
    return hashlib.md5("\n".join(names).encode()).hexdigest()


def _write_catalog(con: duckdb.DuckDBPyConnection, rows: list[tuple], target: Path) -> None:
    """What macros/lake_sources.sql registers: schema, table, columns as Spark DDL, partition column,
    the fingerprint of its batches."""
    declared = ", ".join(f"{c.name} {c.duckdb_type}" for c in CATALOG_COLUMNS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE lake_catalog ({declared})")
    try:
        con.executemany("INSERT INTO lake_catalog VALUES (?, ?, ?, ?, ?)", rows)
        write_parquet(con, CATALOG_COLUMNS, "temp.lake_catalog", target)
    finally:
        con.execute("DROP TABLE temp.lake_catalog")
