"""What dbt built on Spark, brought back into the DuckDB warehouse, so every reader of the warehouse
(the readiness model's features, the alert planner and reviews, the mart checks, publishing, the
dashboard's published copy) reads the same tables whichever target built them.

A table dbt built is Parquet under Spark's warehouse (``<spark dir>/warehouse/<schema>.db/<table>/``):
DuckDB reads it into a table of the same name. A view is Spark SQL over Spark's tables, so dbt
creates it again on DuckDB (``--target duckdb``: views only, over the tables just copied).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb

from lpss_pipeline.settings import DBT_PROJECT_DIR


def built_relations(invocation_target: Path) -> dict[str, list[tuple[str, str]]]:
    """The models this dbt invocation built, by materialization: ``{"table": [(schema, name)], ...}``."""
    manifest = json.loads((invocation_target / "manifest.json").read_text())["nodes"]
    results = json.loads((invocation_target / "run_results.json").read_text())["results"]
    built: dict[str, list[tuple[str, str]]] = {}
    for result in results:
        node = manifest.get(result["unique_id"], {})
        if node.get("resource_type") == "model" and result["status"] == "success":
            kind = node["config"]["materialized"]
            built.setdefault(kind, []).append((node["schema"], node["alias"]))
    return built


def copy_tables(con: duckdb.DuckDBPyConnection, spark_warehouse: Path, tables: list[tuple[str, str]]) -> None:
    """Replace each ``schema.table`` of the DuckDB warehouse with the Parquet Spark wrote for it."""
    for schema, table in tables:
        files = spark_warehouse / f"{schema}.db" / table / "*.parquet"
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.execute(
            f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM read_parquet(\'{files}\')'
        )


def create_views(dbt_executable: str, views: list[tuple[str, str]], target_path: Path) -> None:
    """dbt creates ``views`` in the DuckDB warehouse (no database connection may be open meanwhile)."""
    if not views:
        return
    names = [name for _, name in views]
    subprocess.run(
        [
            dbt_executable,
            "run",
            "--quiet",
            "--target",
            "duckdb",
            "--select",
            *names,
            "--target-path",
            str(target_path),
        ],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ, "LPSS_DBT_TARGET": "duckdb"},
    )
