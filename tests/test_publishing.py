"""Publishing copies the marts atomically; a reader holding the published file never blocks it."""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb

from lpss_pipeline.publishing import publish_schema

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM marts.fct_x").fetchone()[0], flush=True)
time.sleep(60)
"""


def make_warehouse(path, rows: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        con.execute(f"CREATE OR REPLACE TABLE marts.fct_x AS SELECT range AS id FROM range({rows})")
        con.execute("CREATE OR REPLACE TABLE staging.not_published AS SELECT 1 AS id")


def test_publish_copies_only_the_marts(tmp_path):
    warehouse, target = tmp_path / "warehouse.duckdb", tmp_path / "published" / "lpss_marts.duckdb"
    make_warehouse(warehouse, 5)
    assert publish_schema(warehouse, target) == {"fct_x": 5}
    with duckdb.connect(str(target), read_only=True) as con:
        schemas = {r[0] for r in con.execute("SELECT DISTINCT schema_name FROM duckdb_tables()").fetchall()}
    assert schemas == {"marts"}
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_publish_recreates_the_marts_views_over_the_copied_tables(tmp_path):
    warehouse, target = tmp_path / "warehouse.duckdb", tmp_path / "published" / "lpss_marts.duckdb"
    make_warehouse(warehouse, 5)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE VIEW marts.v_doubled AS SELECT id * 2 AS id FROM marts.fct_x")
    assert publish_schema(warehouse, target) == {"fct_x": 5}  # views are not counted
    warehouse.unlink()  # the published view must read the published table, not the warehouse
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT sum(id) FROM marts.v_doubled").fetchone()[0] == 20


def test_a_reader_holding_the_published_file_does_not_block_the_next_publish(tmp_path):
    warehouse, target = tmp_path / "warehouse.duckdb", tmp_path / "published" / "lpss_marts.duckdb"
    make_warehouse(warehouse, 5)
    publish_schema(warehouse, target)
    reader = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "5"  # the other process now holds the file open
        make_warehouse(warehouse, 7)
        started = time.monotonic()
        assert publish_schema(warehouse, target) == {"fct_x": 7}
        assert time.monotonic() - started < 30
        with duckdb.connect(str(target), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM marts.fct_x").fetchone()[0] == 7
        assert reader.poll() is None, "the reader was not disturbed"
    finally:
        reader.kill()
        reader.wait()
