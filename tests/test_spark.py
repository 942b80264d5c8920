"""dbt on Spark, end to end on a copy of the project (``make test-spark``; one dbt invocation, a JVM):
the lake's tables registered on run start, a retired batch excluded through the same ledger as on
DuckDB, the table Spark built copied back into the DuckDB warehouse, and nothing written where dbt runs."""

from __future__ import annotations

import os
import shutil
import subprocess

import duckdb
import pytest

from lpss_pipeline.assets.dbt import DBT_EXECUTABLE
from lpss_pipeline.ingestion.ledger import retire
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.lake.spark_output import built_relations, copy_tables
from lpss_pipeline.lake.sync import sync_lake
from lpss_pipeline.quality.quarantine import Quarantine
from lpss_pipeline.settings import DBT_PROJECT_DIR, load_settings
from tests.contract_rows import write_valid_batch

pytestmark = pytest.mark.spark

BATCH, RETIRED = "2026-01-01T060000Z", "2026-02-01T060000Z"
# Reads the source and the ledger as staging does (macros/latest_rows.sql), built as a table.
CHECK_MODEL = """
{{ config(materialized='table') }}
select _batch_id as batch_id, count(*) as employees, max(_loaded_at) as loaded_at
from {{ source('hris', 'employees') }}
where _batch_id not in (select batch_id from {{ quarantine_ledger() }} where system = 'hris')
group by _batch_id
"""


def test_a_model_on_spark_reads_the_lake_and_comes_back_to_duckdb(tmp_path, monkeypatch):
    pytest.importorskip("pyspark", reason="needs the spark extra (make install-spark)")
    if shutil.which("java") is None:
        pytest.skip("needs Java (17)")
    monkeypatch.setenv("LPSS_HOME", str(tmp_path / "home"))
    settings = load_settings().ensure()
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "lake_check.sql").write_text(CHECK_MODEL)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        for offset, batch in enumerate((BATCH, RETIRED)):
            write_valid_batch(settings.landing_dir, "hris", batch, rows=5 + offset, offset=offset * 100)
        quarantine = Quarantine(settings.quarantine_dir)
        load_pending(con, settings.landing_dir, settings.receipts_dir, quarantine, "hris", lake_dir=None)
        retire(con, RETIRED, "a test", "tester", settings.landing_dir, "hris")
        sync_lake(con, settings.lake_dir)  # backfills both batches, writes the ledger
    target = tmp_path / "target"
    dbt = [DBT_EXECUTABLE, "build", "--select", "lake_check", "--target-path", str(target)]
    env = {**os.environ, "LPSS_DBT_TARGET": "spark", "LPSS_SPARK_DRIVER_MEMORY": "1g"}
    subprocess.run(
        [*dbt, "--project-dir", str(project), "--profiles-dir", str(project)],
        cwd=project,
        env=env,
        check=True,
    )
    built = built_relations(target)
    assert built == {"table": [("main", "lake_check")]}
    with duckdb.connect(str(settings.warehouse_path)) as con:
        copy_tables(con, settings.spark_dir / "warehouse", built["table"])
        rows = con.execute("select batch_id, employees, typeof(loaded_at) from main.lake_check").fetchall()
    assert rows == [(BATCH, 5, "TIMESTAMP WITH TIME ZONE")]
    assert not {"metastore_db", "derby.log", "spark-warehouse"} & {p.name for p in project.iterdir()}
    assert {"metastore_db", "warehouse", "derby.log"} <= {p.name for p in settings.spark_dir.iterdir()}
