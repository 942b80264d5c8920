"""The demo organisation written as each HRIS vendor's export and mapped back gives the contract batch
it came from, row for row: the raw data every mart is built from is the same (the published marts of
one preset are compared whole in test_vendor_demo.py)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lpss_pipeline.contract import entities_of
from lpss_pipeline.ingestion.landing import Batch
from lpss_pipeline.ingestion.loader import ensure_raw_schema, load_batch
from lpss_pipeline.ingestion.staging import quote
from lpss_pipeline.mapping.batches import VendorBatch, map_to_contract
from lpss_pipeline.mapping.spec import load_mapping
from lpss_pipeline.synthetic.generate import generate_history
from lpss_pipeline.synthetic.vendor_export import demo_mapping, export_as, vendor_presets


@pytest.fixture(scope="module")
def contract_batch(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("contract")
    paths = generate_history(
        root / "landing", root / "truth", employees=120, months=8, as_of=date(2026, 6, 15), seed=11
    )
    (hris,) = [p for p in paths if p.parent.name == "hris"]
    return hris


def load(warehouse: Path, folder: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        load_batch(con, Batch("hris", folder.name, folder), folder.parent.parent)


@pytest.mark.parametrize("preset", vendor_presets())
def test_demo_as_vendor_export_maps_back_row_for_row(preset, contract_batch, tmp_path):
    landing = tmp_path / "landing"
    original = landing / "hris" / contract_batch.name
    shutil.copytree(contract_batch, original)
    load(tmp_path / "contract.duckdb", original)
    vendor_folder = export_as(preset, original, landing)
    assert not original.exists() and (vendor_folder / "_DONE").exists()
    path = tmp_path / "config" / "mappings" / f"{preset}.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(demo_mapping(preset))
    mapping = load_mapping(path)
    _, findings, mapped = map_to_contract(
        mapping, VendorBatch(preset, vendor_folder, vendor_folder.name), landing
    )
    assert mapped is not None and [f for f in findings if f.blocking] == [], [str(f) for f in findings]
    load(tmp_path / "mapped.duckdb", mapped)
    with duckdb.connect(str(tmp_path / "contract.duckdb")) as con:
        con.execute(f"ATTACH '{tmp_path / 'mapped.duckdb'}' AS mapped (READ_ONLY)")
        for e in entities_of("hris"):
            cols = ", ".join(map(quote, e.column_names))
            table = f'raw."{e.raw_table}"'
            ours, theirs = f"SELECT {cols} FROM {table}", f"SELECT {cols} FROM mapped.{table}"
            counts = con.execute(
                f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM mapped.{table}), "
                f"(SELECT count(*) FROM ({ours} EXCEPT ALL {theirs})), "
                f"(SELECT count(*) FROM ({theirs} EXCEPT ALL {ours}))"
            ).fetchone()
            assert counts[0] == counts[1] and counts[2:] == (0, 0), (e.name, counts)
            assert counts[0] > 0 or e.kind == "event", e.name
        lineage = con.execute(
            "SELECT count(*), count(_vendor_file), min(_vendor_lines) FROM mapped.raw.hris__employees"
        ).fetchone()
    assert lineage[0] == lineage[1] and lineage[2] is not None
