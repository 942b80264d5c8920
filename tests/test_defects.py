"""Defect injection: every defect breaks exactly one thing, keeps the manifest honest (except a
truncated file), is deterministic, and is caught by the layer its ``stage`` names."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from lpss_pipeline.contract import BATCH_ID_FORMAT, BATCH_ID_PATTERN, MANIFEST_NAME, entity
from lpss_pipeline.ingestion.errors import BatchRefused
from lpss_pipeline.ingestion.landing import Batch, file_sha256
from lpss_pipeline.ingestion.loader import ensure_raw_schema, load_batch
from lpss_pipeline.synthetic.defects import (
    DEFECTS,
    Defect,
    DefectNotApplicable,
    batch_dir_after,
    inject_defect,
)
from lpss_pipeline.synthetic.generate import generate_history, generate_next_month

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
    "same_batch_twice",
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


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def records(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delimiter))


def read(batch: Path, name: str) -> list[dict[str, str]]:
    return records((batch / f"{name}.csv").read_bytes())


def manifest(batch: Path) -> dict:
    return json.loads((batch / MANIFEST_NAME).read_text())


def changed_cells(before: list[dict], after: list[dict]) -> list[tuple[int, str]]:
    assert len(before) == len(after)
    return [(i, c) for i, (b, a) in enumerate(zip(before, after, strict=True)) for c in b if a.get(c) != b[c]]


def changed_lines(before: bytes, after: bytes) -> list[int]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [i for i, (o, n) in enumerate(zip(old, new, strict=True)) if o != n]


def one_cell(d: Defect, before: Path, after: Path, value: str) -> dict[str, str]:
    """Exactly one value of the defect's column changed, on one line; returns the broken row."""
    old, new = read(before, d.entity), read(after, d.entity)
    cells = changed_cells(old, new)
    assert [c for _, c in cells] == [d.column], cells
    i = cells[0][0]
    assert new[i][d.column] == value
    name = f"{d.entity}.csv"
    assert changed_lines((before / name).read_bytes(), (after / name).read_bytes()) == [i + 1]
    return new[i]


def export_date(batch: Path) -> date:
    return date.fromisoformat(manifest(batch)["batch_id"][:10])


def other_batches(batch: Path) -> list[Path]:
    return sorted(p for p in batch.parent.iterdir() if p != batch and BATCH_ID_PATTERN.match(p.name))


# --- what each defect must visibly do: (defect, clean batch, broken batch) ---------------------


def _duplicate_employee_id(d, before, after):
    row = one_cell(d, before, after, read(before, "employees")[1]["employee_id"])
    assert [r["employee_id"] for r in read(after, "employees")].count(row["employee_id"]) == 2


def _reporting_line_cycle(d, before, after):
    old, new = read(before, "employees"), read(after, "employees")
    cells = changed_cells(old, new)
    assert 1 <= len(cells) <= 2 and {c for _, c in cells} == {"manager_id"}, cells
    a = new[cells[0][0]]
    b = new[cells[1][0]] if len(cells) == 2 else next(r for r in new if r["employee_id"] == a["manager_id"])
    assert a["manager_id"] == b["employee_id"] and b["manager_id"] == a["employee_id"]
    assert all(not r["termination_date"] and r["employee_id"] != r["manager_id"] for r in (a, b))
    managers = {r["manager_id"] for r in old if not r["termination_date"]}
    assert {a["employee_id"], b["employee_id"]} <= managers, "both are managers"
    assert all(r["manager_id"] for r in old if r["employee_id"] in (a["employee_id"], b["employee_id"])), (
        "no CEO"
    )


def _unknown_manager(d, before, after):
    one_cell(d, before, after, "E9999999")
    assert "E9999999" not in {r["employee_id"] for r in read(after, "employees")}


def _unknown_department(d, before, after):
    one_cell(d, before, after, "D9999")
    assert "D9999" not in {r["department_id"] for r in read(after, "departments")}


def _hire_date_in_future(d, before, after):
    row = one_cell(d, before, after, (export_date(after) + timedelta(days=400)).isoformat())
    assert not row["termination_date"] and row["manager_id"]


def _termination_before_hire(d, before, after):
    old, new = read(before, "employees"), read(after, "employees")
    cells = changed_cells(old, new)
    assert [c for _, c in cells] == ["termination_date"]
    row = new[cells[0][0]]
    assert date.fromisoformat(row["hire_date"]) - date.fromisoformat(row["termination_date"]) == timedelta(30)
    assert old[cells[0][0]]["termination_date"], "a leaver was chosen"


def _malformed_csv_line(d, before, after):
    old, new = (before / "departments.csv").read_bytes(), (after / "departments.csv").read_bytes()
    assert changed_lines(old, new) == [3]
    line = new.split(b"\n")[3]
    assert line.count(b'"') % 2 == 1, line
    assert line.replace(b'"', b"") == old.split(b"\n")[3].replace(b'"', b"")
    with pytest.raises(csv.Error):
        list(csv.reader(io.StringIO(new.decode(), newline=""), strict=True))


def _wrong_delimiter(d, before, after):
    data = (after / "positions.csv").read_bytes()
    header = data.split(b"\n")[0]
    assert b"," not in header and header.count(b";") == len(entity("hris", "positions").columns) - 1
    assert records(data, delimiter=";") == read(before, "positions")


def _byte_order_mark(d, before, after):
    assert (after / "employees.csv").read_bytes() == b"\xef\xbb\xbf" + (before / "employees.csv").read_bytes()


def _non_utf8(d, before, after):
    old, new = (before / "employees.csv").read_bytes(), (after / "employees.csv").read_bytes()
    assert changed_lines(old, new) == [3]
    with pytest.raises(UnicodeDecodeError):
        new.decode("utf-8")
    line = new.split(b"\n")[3]
    assert b"Ren\xe9e " in line
    line.decode("latin-1")
    surname = records(old)[2]["full_name"].split()[-1]
    assert f'"Renée {surname}"' in line.decode("latin-1")


def _truncated_file(d, before, after):
    old, new = (
        (before / "mentoring_sessions.csv").read_bytes(),
        (after / "mentoring_sessions.csv").read_bytes(),
    )
    assert 0 < len(new) < len(old) and old.startswith(new)
    assert not new.endswith(b"\n") and old[len(new) : len(new) + 1] != b"\n", "cut inside a line"
    assert manifest(after) == manifest(before)


def _extra_column(d, before, after):
    data = (after / "promotions.csv").read_bytes()
    assert data.split(b"\n")[0].endswith(b',"salary"')
    new = records(data)
    assert [{k: v for k, v in r.items() if k != "salary"} for r in new] == read(before, "promotions")
    assert all(r["salary"].isdigit() for r in new)


def _missing_column(d, before, after):
    new = read(after, "positions")
    expected = [c for c in entity("hris", "positions").column_names if c != "is_critical"]
    assert (after / "positions.csv").read_bytes().split(b"\n")[0].decode() == ",".join(
        f'"{c}"' for c in expected
    )
    assert new == [{k: v for k, v in r.items() if k != "is_critical"} for r in read(before, "positions")]


def _stale_batch(d, before, after):
    m = manifest(after)
    oldest_other = min(p.name for p in other_batches(after))
    stale = datetime.strptime(oldest_other, BATCH_ID_FORMAT).replace(tzinfo=UTC) - timedelta(days=1)
    assert after.name == m["batch_id"] == stale.strftime(BATCH_ID_FORMAT) != before.name
    assert m["exported_at"] == stale.isoformat() == f"{after.name[:10]}T06:00:00+00:00"
    assert {k: v for k, v in m.items() if k not in ("batch_id", "exported_at")} == {
        k: v for k, v in manifest(before).items() if k not in ("batch_id", "exported_at")
    }
    assert not (after.parent / before.name).exists()


def _row_count_collapse(d, before, after):
    old, new = read(before, "employees"), read(after, "employees")
    keep = len(old) * 3 // 10
    assert new[:keep] == old[:keep] and len(new) <= keep + 1
    assert [r for r in new if not r["manager_id"]] == [r for r in old if not r["manager_id"]], "CEO kept"
    assert len(new) / len(old) <= 0.31


def _same_batch_twice(d, before, after):
    source = other_batches(after)[-1]
    assert tree(after).keys() == tree(source).keys()
    for name, data in tree(source).items():
        if name != MANIFEST_NAME:
            assert (after / name).read_bytes() == data
    m = manifest(after)
    assert m["files"] == manifest(source)["files"]
    assert (m["batch_id"], m["exported_at"]) == (
        manifest(before)["batch_id"],
        manifest(before)["exported_at"],
    )


def _crm_emails_unmatched(d, before, after):
    old, new = read(before, "team_revenue"), read(after, "team_revenue")
    cells = changed_cells(old, new)
    assert {c for _, c in cells} == {"owner_email"}
    assert [i for i, _ in cells] == list(range(0, len(old), 4))
    assert len(cells) / len(old) >= 0.25
    assert [new[i]["owner_email"] for i, _ in cells] == [
        f"unknown.person{n}@example.com" for n in range(1, len(cells) + 1)
    ]


def _milestone_completed_before_assigned(d, before, after):
    hired = {r["employee_id"]: r["hire_date"] for r in read(after, "employees")}
    old, new = read(before, "idp_milestones"), read(after, "idp_milestones")
    cells = changed_cells(old, new)
    assert [c for _, c in cells] == ["completed_on"]
    row = new[cells[0][0]]
    assert date.fromisoformat(hired[row["employee_id"]]) - date.fromisoformat(
        row["completed_on"]
    ) == timedelta(60)


def _training_completed_before_assigned(d, before, after):
    old, new = read(before, "trainings"), read(after, "trainings")
    cells = changed_cells(old, new)
    assert [c for _, c in cells] == ["completed_on"]
    row = new[cells[0][0]]
    assert date.fromisoformat(row["assigned_on"]) - date.fromisoformat(row["completed_on"]) == timedelta(10)


def _invalid_session_status(d, before, after):
    row = one_cell(d, before, after, "postponed")
    assert not row["mentee_feedback"]


def _cell(value: str) -> Callable:
    return lambda d, before, after: one_cell(d, before, after, value)


VISIBLE: dict[str, Callable[[Defect, Path, Path], None]] = {
    "duplicate_employee_id": _duplicate_employee_id,
    "null_key": _cell(""),
    "reporting_line_cycle": _reporting_line_cycle,
    "unknown_manager": _unknown_manager,
    "unknown_department": _unknown_department,
    "rating_out_of_range": _cell("7"),
    "negative_revenue": _cell("-1500"),
    "hire_date_in_future": _hire_date_in_future,
    "termination_before_hire": _termination_before_hire,
    "malformed_csv_line": _malformed_csv_line,
    "wrong_delimiter": _wrong_delimiter,
    "byte_order_mark": _byte_order_mark,
    "non_utf8": _non_utf8,
    "truncated_file": _truncated_file,
    "extra_column": _extra_column,
    "missing_column": _missing_column,
    "type_drift": _cell("high"),
    "stale_batch": _stale_batch,
    "row_count_collapse": _row_count_collapse,
    "same_batch_twice": _same_batch_twice,
    "crm_emails_unmatched": _crm_emails_unmatched,
    "milestone_completed_before_assigned": _milestone_completed_before_assigned,
    "training_completed_before_assigned": _training_completed_before_assigned,
    "invalid_session_status": _invalid_session_status,
    "unknown_mentee": _cell("E9999998"),
}


# --- the tests ----------------------------------------------------------------------------------


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
