"""Ingestion: idempotent, append-only, and every broken batch refused with a precise reason."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from lpss_pipeline.alerting.deliveries import planned_for
from lpss_pipeline.contract import ENTITIES, MANIFEST_NAME
from lpss_pipeline.ingestion.landing import discover_batches, file_sha256
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.quality.quarantine import REASON_FILE, Quarantine
from tests.contract_rows import write_valid_batch

BATCH = "2026-01-01T060000Z"
LATER = "2026-02-01T060000Z"


@pytest.fixture
def zone(tmp_path):
    landing, receipts = tmp_path / "landing", tmp_path / "receipts"
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield landing, receipts, con
    con.close()


def ingest(zone):
    landing, receipts, con = zone
    quarantine = Quarantine(landing.parent / "quarantine")
    return load_pending(con, landing, receipts, quarantine)


def raw_state(con) -> dict[str, list]:
    """Every raw row's identity, to prove a refused batch changed nothing."""
    return {
        e.raw_table: sorted(
            con.execute(f'SELECT _batch_id, _source_row, _row_hash FROM raw."{e.raw_table}"').fetchall()
        )
        for e in ENTITIES.values()
    }


def rewrite(batch_dir: Path, entity: str, transform, rows: int | None = None) -> None:
    """Change one file and re-sign it in the manifest, so only the intended defect remains."""
    path = batch_dir / f"{entity}.csv"
    path.write_bytes(transform(path.read_bytes()))
    manifest = json.loads((batch_dir / MANIFEST_NAME).read_text())
    manifest["files"][entity]["sha256"] = file_sha256(path)
    if rows is not None:
        manifest["files"][entity]["rows"] = rows
    (batch_dir / MANIFEST_NAME).write_text(json.dumps(manifest))


def replace_cell(old: bytes, new: bytes, line: int):
    def transform(data: bytes) -> bytes:
        lines = data.split(b"\n")
        assert old in lines[line], lines[line]
        lines[line] = lines[line].replace(old, new, 1)
        return b"\n".join(lines)

    return transform


def test_valid_batch_loads_with_lineage_columns(zone):
    landing, _, con = zone
    write_valid_batch(landing, "hris", BATCH, rows=5)
    report = ingest(zone)
    assert [r.status for r in report.results] == ["loaded"]
    row = con.execute(
        "SELECT count(*), min(_source_row), max(_source_row), count(DISTINCT _row_hash), "
        "min(_source_file), min(_batch_id), count(_loaded_at) FROM raw.hris__employees"
    ).fetchone()
    assert row == (5, 1, 5, 5, f"hris/{BATCH}/employees.csv", BATCH, 5)
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'hris__employees'"
        ).fetchall()
    )
    assert types["hire_date"] == "DATE" and types["leadership_level"] == "BIGINT"


def test_loading_twice_adds_nothing(zone):
    landing, receipts, con = zone
    write_valid_batch(landing, "hris", BATCH)
    write_valid_batch(landing, "crm", BATCH)
    ingest(zone)
    before = raw_state(con)
    report = ingest(zone)
    assert {r.status for r in report.results} == {"already_loaded"}
    assert raw_state(con) == before
    assert json.loads((receipts / "hris" / f"{BATCH}.json").read_text())["status"] == "loaded"


def test_later_batches_append_and_never_overwrite(zone):
    landing, _, con = zone
    write_valid_batch(landing, "hris", BATCH, rows=4)
    ingest(zone)
    first = con.execute("SELECT * FROM raw.hris__employees ORDER BY _source_row").fetchall()
    write_valid_batch(landing, "hris", LATER, rows=4, offset=2)  # two rows carry the same keys as before
    ingest(zone)
    rows = con.execute("SELECT _batch_id, count(*) FROM raw.hris__employees GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(BATCH, 4), (LATER, 4)]
    again = con.execute(
        "SELECT * FROM raw.hris__employees WHERE _batch_id = ? ORDER BY _source_row", [BATCH]
    ).fetchall()
    assert again == first


def test_batch_without_manifest_is_not_loaded(zone):
    landing, _, con = zone
    (write_valid_batch(landing, "hris", BATCH) / MANIFEST_NAME).unlink()
    assert discover_batches(landing) == []
    assert ingest(zone).results == []
    assert all(not rows for rows in raw_state(con).values())


# Each case: how to break a valid hris batch, and what the refusal must name.
BROKEN = {
    "checksum_mismatch": (
        lambda d: (d / "employees.csv").write_bytes((d / "employees.csv").read_bytes() + b"\n"),
        ["employees.csv", "sha256", "does not match the manifest"],
    ),
    "row_count_mismatch": (
        lambda d: rewrite(d, "departments", lambda b: b, rows=99),
        ["departments.csv", "has 6 data rows but the manifest says 99"],
    ),
    "missing_column": (
        lambda d: rewrite(d, "positions", replace_cell(b'"is_critical"', b'"critical"', 0)),
        ["positions.csv", "column is_critical", "missing from the header", "column critical"],
    ),
    "wrong_type": (
        lambda d: rewrite(d, "employees", replace_cell(b",2025-03-03,", b",03/03/2025,", 3)),
        ["employees.csv row 3", "column hire_date", "'03/03/2025' is not an ISO date"],
    ),
    "text_in_number_column": (
        lambda d: rewrite(d, "goal_attainment", replace_cell(b"-01,1", b"-01,high", 3)),
        ["goal_attainment.csv row 3", "column goal_attainment_pct", "'high' is not a number"],
    ),
    "duplicate_key": (
        lambda d: rewrite(d, "employees", replace_cell(b'"employee_id-0004"', b'"employee_id-0001"', 5)),
        ["employees.csv rows 2, 5", "column employee_id", "duplicate key (employee_id='employee_id-0001')"],
    ),
    "required_value_empty": (
        lambda d: rewrite(d, "departments", replace_cell(b'"department_name-0002"', b"", 3)),
        ["departments.csv row 3", "column department_name", "required but empty"],
    ),
    "empty_file": (
        lambda d: rewrite(d, "trainings", lambda b: b"", rows=0),
        ["trainings.csv", "file is empty: no header row"],
    ),
    "empty_snapshot": (
        lambda d: rewrite(d, "employees", lambda b: b.split(b"\n")[0] + b"\n", rows=0),
        ["employees.csv", "snapshot has no rows"],
    ),
    "extra_column": (
        lambda d: rewrite(
            d, "promotions", lambda b: b.replace(b"\n", b',"x"\n').replace(b'"x"', b'"salary"', 1)
        ),
        ["promotions.csv", "column salary", "not in the hris/promotions contract"],
    ),
    "wrong_delimiter": (
        lambda d: rewrite(d, "departments", lambda b: b.replace(b",", b";")),
        ["departments.csv header", "header looks delimited by ';'"],
    ),
    "byte_order_mark": (
        lambda d: rewrite(d, "employees", lambda b: b"\xef\xbb\xbf" + b),
        ["employees.csv", "byte-order mark"],
    ),
    "not_utf8": (
        lambda d: rewrite(d, "employees", replace_cell(b"full_name-0003", b"Ren\xe9e", 4)),
        ["employees.csv row 4", "not valid CSV (line 5)", "not utf-8 encoded"],
    ),
    "malformed_line": (
        lambda d: rewrite(d, "departments", replace_cell(b'"department_name-0001"', b'"broken', 2)),
        ["departments.csv row 2", "not valid CSV (line 3)", "unterminated quote"],
    ),
    "unknown_entity_in_manifest": (
        lambda d: (d / MANIFEST_NAME).write_text(
            json.dumps(
                {
                    **json.loads((d / MANIFEST_NAME).read_text()),
                    "files": {"payroll": {"rows": 1, "sha256": "0"}},
                }
            )
        ),
        ["_manifest.json", "'payroll', which is not an entity", "snapshot entity 'employees' is missing"],
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_batch_is_refused_precisely_and_loses_nothing(zone, case):
    landing, receipts, con = zone
    write_valid_batch(landing, "hris", BATCH, rows=6)
    ingest(zone)
    before = raw_state(con)
    bad = write_valid_batch(landing, "hris", LATER, rows=6)
    break_it, expected = BROKEN[case]
    break_it(bad)

    report = ingest(zone)
    refused = report.of("refused")
    assert [r.batch.batch_id for r in refused] == [LATER]
    message = str(refused[0].error)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert f"hris/{LATER}" in message
    assert raw_state(con) == before
    assert bad.is_dir() and (bad / MANIFEST_NAME).exists(), "the bad batch is kept where it landed"
    logged = con.execute("SELECT batch_id, stage FROM ops.quarantined_batches").fetchall()
    assert logged == [(LATER, "ingest")]
    assert json.loads((receipts / "hris" / f"{LATER}.json").read_text())["status"] == "refused"
    reason = json.loads((landing.parent / "quarantine" / LATER / REASON_FILE).read_text())
    assert reason["system"] == "hris" and reason["findings"], "the quarantine explains itself"
    assert (landing.parent / "quarantine" / LATER / MANIFEST_NAME).exists(), "the batch's files are kept"
    [alert] = planned_for(con, "#lpss-data-ops")
    assert f"hris/{LATER}" in alert["message"] and alert["rule_id"] == "missing_data"
    again = ingest(zone)
    assert [r.status for r in again.results if r.batch.batch_id == LATER] == ["quarantined"]
    assert len(planned_for(con, "#lpss-data-ops")) == 1, "alerted once"


def test_refused_batch_does_not_block_a_good_one(zone):
    landing = zone[0]
    write_valid_batch(landing, "hris", BATCH)
    bad = write_valid_batch(landing, "hris", LATER)
    (bad / "employees.csv").write_bytes(b"")
    write_valid_batch(landing, "crm", LATER)
    report = ingest(zone)
    assert {(r.batch.label, r.status) for r in report.results} == {
        (f"hris/{BATCH}", "loaded"),
        (f"hris/{LATER}", "refused"),
        (f"crm/{LATER}", "loaded"),
    }


def test_same_batch_id_with_new_content_is_refused(zone):
    landing, _, con = zone
    write_valid_batch(landing, "hris", BATCH, rows=4)
    ingest(zone)
    before = raw_state(con)
    write_valid_batch(landing, "hris", BATCH, rows=5)
    [result] = ingest(zone).results
    assert result.status == "refused"
    assert "already loaded with different content" in str(result.error)
    assert raw_state(con) == before


def test_parquet_batches_load_like_csv(zone):
    from lpss_pipeline.contract import entities_of
    from lpss_pipeline.synthetic.batch_writer import write_batch
    from tests.contract_rows import valid_table

    landing, _, con = zone
    write_batch(landing, "crm", BATCH, {e.name: valid_table(e, 3) for e in entities_of("crm")}, fmt="parquet")
    [result] = ingest(zone).results
    assert result.status == "loaded", result.error
    assert con.execute("SELECT count(*), min(month) FROM raw.crm__team_revenue").fetchone()[0] == 3
