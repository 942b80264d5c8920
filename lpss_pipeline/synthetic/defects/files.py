"""Defects of a whole file or batch: encoding, delimiter, header, truncation, re-delivery, staleness, size."""

from __future__ import annotations

from pathlib import Path

from lpss_pipeline.contract import MANIFEST_NAME
from lpss_pipeline.synthetic.batch_writer import batch_time

from .csv_batch import (
    _BOM,
    DefectNotApplicable,
    _entity_file,
    _join,
    _manifest,
    _read,
    _resign,
    _save,
    _stale_batch_id,
    _write_manifest,
)
from .registry import _register


@_register(
    "malformed_csv_line",
    "hris",
    "departments",
    "department_name",
    "ingest",
    'Departments row 3 (file line 4) has an unterminated quote: its department_name lost its closing ".',
)
def _malformed_csv_line(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "departments")
    i = table.pick()
    fields = table.fields(i)
    fields[table.index("department_name")] = '"' + table.get(i, "department_name").replace('"', '""')
    lines = table.lines()
    lines[i + 1] = ",".join(fields)
    _resign(batch_dir, "departments", _join(lines), rows=len(table.rows))


@_register(
    "wrong_delimiter",
    "hris",
    "positions",
    None,
    "ingest",
    "The positions file is delimited by semicolons instead of commas, header included.",
)
def _wrong_delimiter(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "positions")
    _resign(batch_dir, "positions", table.encode(sep=";"), rows=len(table.rows))


@_register(
    "byte_order_mark",
    "hris",
    "employees",
    None,
    "ingest",
    "The employees file starts with a UTF-8 byte-order mark.",
)
def _byte_order_mark(batch_dir: Path, landing_dir: Path) -> None:
    path = _entity_file(batch_dir, "employees")
    _resign(batch_dir, "employees", _BOM + path.read_bytes())


@_register(
    "non_utf8",
    "hris",
    "employees",
    "full_name",
    "ingest",
    "Employee row 3's full_name becomes 'Renée <surname>' with the é written as the Latin-1 byte 0xE9.",
)
def _non_utf8(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    i = table.pick()
    table.set(i, "full_name", "Renée " + table.get(i, "full_name").split()[-1])
    lines = [line.encode("utf-8") for line in table.lines()]
    lines[i + 1] = lines[i + 1].replace("é".encode(), "é".encode("latin-1"), 1)
    _resign(batch_dir, "employees", b"".join(line + b"\n" for line in lines), rows=len(table.rows))


@_register(
    "truncated_file",
    "hris",
    "mentoring_sessions",
    None,
    "ingest",
    "The mentoring_sessions file is cut off in the middle of a line and the manifest is NOT re-signed: "
    "its sha256 (and row count) no longer match.",
)
def _truncated_file(batch_dir: Path, landing_dir: Path) -> None:
    path = _entity_file(batch_dir, "mentoring_sessions")
    data = path.read_bytes()
    cut = len(data) // 2
    while cut > 1 and (data[cut - 1 : cut] == b"\n" or data[cut : cut + 1] == b"\n"):
        cut -= 1  # not on a line boundary: the last line must be visibly incomplete
    if cut < 1:
        raise DefectNotApplicable(f"{path} is too short to cut")
    path.write_bytes(data[:cut])


@_register(
    "extra_column",
    "hris",
    "promotions",
    "salary",
    "ingest",
    "The promotions file has an extra column salary (the file is in every batch; the header alone "
    "breaks it when the month had no promotions).",
)
def _extra_column(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "promotions")
    level = table.index("to_level")
    table.header.append("salary")
    for row in table.rows:
        row.append(str(40000 + 25000 * int(row[level] or 0)))
    _save(batch_dir, table)


@_register(
    "missing_column",
    "hris",
    "positions",
    "is_critical",
    "ingest",
    "The positions file lacks the is_critical column.",
)
def _missing_column(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "positions")
    drop = table.index("is_critical")
    table.header.pop(drop)
    for row in table.rows:
        row.pop(drop)
    _save(batch_dir, table)


@_register(
    "stale_batch",
    "hris",
    "*",
    None,
    "checks",
    "The batch is re-dated (folder, manifest batch_id and exported_at) to one day before the oldest "
    "other batch of its system in the landing zone: older than the latest batch already landed. "
    "The folder moves; see batch_dir_after().",
)
def _stale_batch(batch_dir: Path, landing_dir: Path) -> None:
    new_id = _stale_batch_id(batch_dir, landing_dir)
    target = batch_dir.parent / new_id
    if target.exists():
        raise DefectNotApplicable(f"{target} already exists")
    manifest = _manifest(batch_dir)
    (batch_dir / MANIFEST_NAME).unlink()  # incomplete while it moves, as an exporter would leave it
    batch_dir.rename(target)
    _write_manifest(target, {**manifest, "batch_id": new_id, "exported_at": batch_time(new_id).isoformat()})


@_register(
    "row_count_collapse",
    "hris",
    "employees",
    None,
    "checks",
    "The employees snapshot keeps only its first 30% of rows (file order: the CEO first, then the "
    "organisation top-down); other files still name the people dropped.",
)
def _row_count_collapse(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    keep = max(1, len(table.rows) * 3 // 10)
    manager = table.index("manager_id")
    table.rows = [row for i, row in enumerate(table.rows) if i < keep or not row[manager]]
    _save(batch_dir, table)
