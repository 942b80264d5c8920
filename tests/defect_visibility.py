"""How each injected defect shows in the batch files: the per-defect assertions of test_defects.py."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lpss_pipeline.contract import BATCH_ID_FORMAT, BATCH_ID_PATTERN, MANIFEST_NAME, entity
from lpss_pipeline.synthetic.defects import (
    Defect,
)


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
    "crm_emails_unmatched": _crm_emails_unmatched,
    "milestone_completed_before_assigned": _milestone_completed_before_assigned,
    "training_completed_before_assigned": _training_completed_before_assigned,
    "invalid_session_status": _invalid_session_status,
    "unknown_mentee": _cell("E9999998"),
}


# --- the tests ----------------------------------------------------------------------------------
