"""Mapping a vendor fixture (tests/fixtures/vendors/<preset>/) the way loading would."""

from __future__ import annotations

from pathlib import Path

import duckdb

from lpss_pipeline.mapping.engine import MappedBatch, map_batch
from lpss_pipeline.mapping.spec import load_mapping

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "vendors"


def batch_folder(preset: str) -> Path:
    """The fixture's one batch folder."""
    (folder,) = [p for p in (FIXTURES / preset).iterdir() if p.is_dir()]
    return folder


def map_fixture(preset: str, tmp_path: Path) -> tuple[MappedBatch, dict[str, list[dict]]]:
    """The fixture mapped with its organisation's mapping (``mapping.yaml``, extending the preset):
    the findings, and each entity's rows as the contract's text, in vendor order."""
    mapping = load_mapping(FIXTURES / preset / "mapping.yaml", preset)
    with duckdb.connect() as con:
        mapped = map_batch(con, mapping, batch_folder(preset), tmp_path)
        rows = {}
        for name, e in mapped.entities.items():
            cursor = con.execute(f"SELECT * EXCLUDE (_row, _file, _lines) FROM {e.table} ORDER BY _row")
            columns = [d[0] for d in cursor.description]
            rows[name] = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    return mapped, rows
