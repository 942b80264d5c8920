"""The lake dbt reads on Spark (lpss_pipeline/lake/): every loaded batch written once as Parquet from the
warehouse's rows, the rewritten tables whole, and a catalog of Spark column types. No Spark here."""

from __future__ import annotations

import duckdb
import pytest

from lpss_pipeline.contract import entities_of
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.lake.parquet import Column
from lpss_pipeline.lake.sync import CATALOG, batch_folder, sync_lake
from lpss_pipeline.quality.quarantine import Quarantine
from tests.contract_rows import write_valid_batch

BATCH, LATER = "2026-01-01T060000Z", "2026-02-01T060000Z"


@pytest.fixture
def home(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield tmp_path, con
    con.close()


def _load(home, batch_id: str, lake: bool = True):
    root, con = home
    write_valid_batch(root / "landing", "hris", batch_id, offset=int(batch_id[5:7]) * 100)
    quarantine = Quarantine(root / "quarantine")
    lake_dir = root / "lake" if lake else None
    return load_pending(con, root / "landing", root / "receipts", quarantine, "hris", lake_dir=lake_dir)


def test_ingestion_writes_each_loaded_batch_once_from_the_warehouse_rows(home):
    root, con = home
    _load(home, BATCH)
    employees = batch_folder(root / "lake", "hris__employees", BATCH) / "part-0.parquet"
    written = employees.stat().st_mtime_ns
    _load(home, BATCH)  # already loaded: nothing written again
    assert employees.stat().st_mtime_ns == written
    lake = con.execute(
        f"SELECT * EXCLUDE (_batch_id) FROM read_parquet('{employees}') ORDER BY _source_row"
    ).df()
    raw = con.execute(
        "SELECT * EXCLUDE (_batch_id) FROM raw.hris__employees WHERE _batch_id = ? ORDER BY _source_row",
        [BATCH],
    ).df()
    assert lake.equals(raw)
    assert "_batch_id" not in lake.columns  # the folder name carries it
    assert {e.raw_table for e in entities_of("hris")} == {
        p.parent.parent.name for p in (root / "lake" / "raw").glob("*/_batch_id=*/part-0.parquet")
    }


def test_sync_backfills_batches_and_writes_the_catalog(home):
    root, con = home
    _load(home, BATCH, lake=False)  # loaded while on DuckDB
    con.execute("CREATE SCHEMA config")
    con.execute("CREATE TABLE config.score_bands (band VARCHAR, min_composite DOUBLE, id UUID, doc JSON)")
    con.execute("INSERT INTO config.score_bands VALUES ('ready', 85, uuid(), '{\"a\": 1}')")
    written = sync_lake(con, root / "lake")
    assert written["raw"] == len(entities_of("hris")) and written["config"] == 1
    assert sync_lake(con, root / "lake")["raw"] == 0  # written once
    before = _catalog(con, root)
    _load(home, LATER, lake=False)
    assert sync_lake(con, root / "lake")["raw"] == len(entities_of("hris"))
    catalog = _catalog(con, root)
    assert before["raw", "hris__employees"][2] != catalog["raw", "hris__employees"][2]  # Spark looks again
    assert catalog["config", "score_bands"] == (
        "`band` string, `min_composite` double, `id` string, `doc` string",
        None,
        None,
    )
    columns, partition, _ = catalog["raw", "hris__employees"]
    assert partition == "_batch_id" and columns.endswith("`_batch_id` string")
    assert "`_loaded_at` timestamp," in columns
    assert ("ops", "quarantined_batches") in catalog and ("ml", "readiness_predictions") in catalog
    assert "`scored_at` timestamp_ntz" in catalog["ml", "readiness_predictions"][0]
    # UUID and JSON are cast: Spark refuses DuckDB's UUID in Parquet
    types = con.execute(
        f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
        f"read_parquet('{root / 'lake' / 'config' / 'score_bands' / 'part-0.parquet'}'))"
    ).fetchall()
    assert dict(types) == {"band": "VARCHAR", "min_composite": "DOUBLE", "id": "VARCHAR", "doc": "VARCHAR"}


def _catalog(con, root) -> dict[tuple[str, str], tuple]:
    rows = con.execute(f"SELECT * FROM read_parquet('{root / 'lake' / CATALOG}')").fetchall()
    return {(schema, table): tuple(rest) for schema, table, *rest in rows}


def test_a_type_spark_cannot_read_is_named():
    with pytest.raises(ValueError, match="INTERVAL"):
        _ = Column("gap", "INTERVAL").spark_type
