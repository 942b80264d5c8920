"""Defect injection: every defect breaks exactly one thing, keeps the manifest honest (except a
truncated file), is deterministic, and is caught by the layer its ``stage`` names."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from lpss_pipeline.contract import MANIFEST_NAME, entity
from lpss_pipeline.ingestion.errors import BatchRefused
from lpss_pipeline.ingestion.landing import Batch, file_sha256
from lpss_pipeline.ingestion.loader import ensure_raw_schema, load_batch
from lpss_pipeline.synthetic.defects import (
    DEFECTS,
    DefectNotApplicable,
    batch_dir_after,
    inject_defect,
)
from lpss_pipeline.synthetic.generate import generate_history, generate_next_month
from tests.defect_visibility import VISIBLE, manifest, tree

REQUIRED = {
    "duplicate_employee_id",
    "null_key",
    "reporting_line_cycle",
    "unknown_manager",
    "unknown_department",
    "rating_out_of_range",
    "negative_revenue",
    "hire_date_in_future",
    "termination_before_hire",
    "malformed_csv_line",
    "wrong_delimiter",
    "byte_order_mark",
    "non_utf8",
    "truncated_file",
    "extra_column",
    "missing_column",
    "type_drift",
    "stale_batch",
    "row_count_collapse",
    "crm_emails_unmatched",
    "milestone_completed_before_assigned",
    "training_completed_before_assigned",
    "invalid_session_status",
    "unknown_mentee",
}
KINDS = ("incremental", "history")


@pytest.fixture(scope="module")
def org(tmp_path_factory) -> tuple[Path, dict[str, dict[str, Path]]]:
    """A small organisation: a full history batch and an incremental month per system."""
    root = tmp_path_factory.mktemp("org")
    landing, truth = root / "landing", root / "truth"
    history = generate_history(landing, truth, employees=300, months=18, as_of=date(2026, 6, 15), seed=7)
    incremental = generate_next_month(landing, truth)
    batches = {
        "history": {p.parent.name: p.relative_to(landing) for p in history},
        "incremental": {p.parent.name: p.relative_to(landing) for p in incremental},
    }
    return landing, batches


def test_the_matrix_has_every_required_defect_declared_against_the_contract():
    assert len(DEFECTS) >= 20
    assert set(DEFECTS) == REQUIRED == set(VISIBLE)
    for name, d in DEFECTS.items():
        assert d.name == name and d.system in ("hris", "crm") and d.stage in ("ingest", "checks")
        assert d.description
        if d.batch_level:
            assert d.column is None
            continue
        declared = entity(d.system, d.entity)
        if d.column and not (name == "extra_column" and d.column == "salary"):
            declared.column(d.column)
    assert "salary" not in entity("hris", "promotions").column_names


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_defect_breaks_exactly_one_thing_and_is_caught_where_it_says(org, tmp_path, name, kind):
    source, batches = org
    landing = tmp_path / "landing"
    shutil.copytree(source, landing)
    d = DEFECTS[name]
    batch = landing / batches[kind][d.system]
    clean = source / batches[kind][d.system]
    before = tree(landing)

    after = batch_dir_after(batch, name, landing)
    assert inject_defect(batch, name, landing) is d
    assert after.is_dir() and (after / MANIFEST_NAME).is_file()
    now = tree(landing)

    # (a) only the intended file changed, and no other batch at all
    prefix = f"{batches[kind][d.system]}/"
    outside = {k: v for k, v in before.items() if not k.startswith(prefix)}
    assert {k: v for k, v in now.items() if not k.startswith(f"{after.relative_to(landing)}/")} == outside
    if not d.batch_level:
        assert after == batch
        changed = {k[len(prefix) :] for k in before if before[k] != now.get(k)}
        assert now.keys() == before.keys()
        expected = {f"{d.entity}.csv"} | (set() if name == "truncated_file" else {MANIFEST_NAME})
        assert changed == expected
        m_old, m_new = manifest(clean), manifest(batch)
        assert {k: v for k, v in m_new.items() if k != "files"} == {
            k: v for k, v in m_old.items() if k != "files"
        }
        assert {k: v for k, v in m_new["files"].items() if k != d.entity} == {
            k: v for k, v in m_old["files"].items() if k != d.entity
        }

    # (b) the manifest agrees with the files, except the truncated file's checksum
    m = manifest(after)
    assert m["batch_id"] == after.name and m["system"] == d.system
    assert {p.name for p in after.iterdir()} == {e["file"] for e in m["files"].values()} | {MANIFEST_NAME}
    for entity_name, entry in m["files"].items():
        data = (after / entry["file"]).read_bytes()
        if name == "truncated_file" and entity_name == d.entity:
            assert file_sha256(after / entry["file"]) != entry["sha256"]
            continue
        assert file_sha256(after / entry["file"]) == entry["sha256"], entity_name
        assert data.count(b"\n") - 1 == entry["rows"], entity_name

    # (c) the mutation itself
    VISIBLE[name](d, clean, after)

    # (d) the stage: ingest refuses it, or ingest loads it and the data-quality checks must catch it
    con = duckdb.connect()
    ensure_raw_schema(con)
    for other in sorted((landing / d.system).iterdir()):  # the batches that landed before it
        if other != after:
            load_batch(con, Batch(d.system, other.name, other), landing)
    loading = Batch(d.system, after.name, after)
    if d.stage == "ingest":
        with pytest.raises(BatchRefused) as refused:
            load_batch(con, loading, landing)
        assert len(refused.value.findings) == 1, str(refused.value)  # only the intended defect
        assert d.batch_level or f"{d.entity}.csv" in str(refused.value)
        if d.column and name not in ("malformed_csv_line", "non_utf8"):
            assert f"column {d.column}" in str(refused.value), str(refused.value)
    else:
        assert load_batch(con, loading, landing).status == "loaded"
    con.close()


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_injection_is_deterministic(org, tmp_path, name):
    source, batches = org
    results = []
    for copy in ("a", "b"):
        landing = tmp_path / copy
        shutil.copytree(source, landing)
        inject_defect(landing / batches["incremental"][DEFECTS[name].system], name)  # landing by default
        results.append(tree(landing))
    assert results[0] == results[1]


def test_a_defect_refuses_what_it_cannot_break(org, tmp_path):
    source, batches = org
    landing = tmp_path / "landing"
    shutil.copytree(source, landing)
    crm = landing / batches["incremental"]["crm"]
    with pytest.raises(DefectNotApplicable, match="breaks a hris batch"):
        inject_defect(crm, "rating_out_of_range")
    with pytest.raises(KeyError, match="unknown defect"):
        inject_defect(crm, "no_such_defect")
    alone = tmp_path / "alone" / "crm"
    alone.mkdir(parents=True)
    shutil.copytree(crm, alone / crm.name)
    with pytest.raises(DefectNotApplicable, match="needs another crm batch"):
        inject_defect(alone / crm.name, "stale_batch")
    moved = batch_dir_after(crm, "stale_batch")
    inject_defect(crm, "stale_batch")
    assert moved.is_dir() and not crm.exists()
    with pytest.raises(FileNotFoundError, match="before inject_defect"):
        batch_dir_after(crm, "stale_batch")
