"""Defect injection: break one thing in an export batch the generator has already written.

The bad-input matrix of the data-integrity work is built from these: write a clean history or
incremental batch with ``generate.py``, then ``inject_defect(batch_dir, name)`` mutates it in place
and returns the :class:`Defect`, which says which file and column are at fault and which layer
must catch it (``stage``): ``"ingest"`` for what the structural ingest checks refuse (SPEC section 2:
manifest, header, types, required values, keys, encoding), ``"checks"`` for batches that load and
must then fail a data-quality check (SPEC section 10: ranges, references, cycles, plausible dates,
freshness and row counts, CRM e-mails).

Decisions:
- Only the intended defect remains. A defect rewrites one file and re-signs it in the manifest
  (sha256, and the row count) through one helper, ``_resign``; the only exception is
  ``truncated_file``, whose point is that the file no longer matches its manifest.
- Deterministic: each defect picks a fixed row, by default the 3rd data row matching its
  condition (the last match when fewer than 3 match). Same batch in, same bytes out.
- Untouched rows stay byte-identical: a row-level defect parses the file with ``csv`` and writes
  it back the way ``batch_writer.py`` does (header and string/timestamp values quoted, other values
  bare, a null as nothing), so a generated file round-trips exactly and only the changed rows
  differ. Injection edits CSV batches; a Parquet entity file is refused with
  :class:`DefectNotApplicable`, as is a batch lacking the file or rows a defect needs.
- Every defect applies to a ``generate_history`` batch and to a ``generate_next_month`` one. An
  incremental batch carries every snapshot in full and every event file of the contract, but an
  event file may hold only its header (in a small organisation a month can have no promotions):
  the row-level defects therefore use event entities that have rows every month (goal attainment,
  competency assessments, trainings, IDP milestones, mentoring sessions, CRM team revenue) or
  snapshots. ``extra_column`` uses ``promotions``: the file is always written, and the extra header
  column alone breaks it even when it has no rows.
- Batch-level defects (``entity == "*"``) replace the whole batch and read the landing zone
  (``landing_dir``, by default the batch folder's grandparent ``<landing>/<system>/<batch_id>``):
  ``stale_batch`` renames the batch folder to one day before the oldest *other* batch of its
  system (so it is older than the latest batch already landed), which changes the batch's path:
  call :func:`batch_dir_after` *before* injecting to learn the new folder.
  ``same_batch_twice`` re-delivers the most recent other batch of the system byte for byte under
  this batch's id. Ingest refuses the re-delivery once the original is loaded (every file
  byte-identical to a loaded batch); the stale batch loads and the data-integrity checks catch
  it. Their ``system`` says ``hris`` (where the matrix applies them); they work on a
  CRM batch too.
- ``row_count_collapse`` keeps the first 30% of the employees snapshot in file order (the
  generator writes the CEO first and the organisation top-down) plus the CEO. Other files still
  name the dropped people, so reference checks may fire beside the row-count check.
- ``milestone_completed_before_assigned``: the contract has no assignment date for IDP
  milestones, so "before assigned" is read as before its owner was hired: completed_on is set to
  the owner's hire_date (from the same batch's employees.csv) minus 60 days.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from lpss_pipeline.contract import BATCH_ID_FORMAT, FILE_FORMATS, MANIFEST_NAME, entity
from lpss_pipeline.ingestion.landing import Batch, discover_batches, file_sha256

from .batch_writer import batch_time

BATCH_LEVEL = ("*", "_manifest")
ROW = 3  # the data row (1 = first after the header) a defect breaks, among those that qualify
UNKNOWN_MANAGER, UNKNOWN_DEPARTMENT, UNKNOWN_MENTEE = "E9999999", "D9999", "E9999998"
_QUOTED_TYPES = frozenset({"string", "timestamp"})  # what batch_writer's CSV quotes
_BOM = b"\xef\xbb\xbf"

Apply = Callable[[Path, Path], None]


class DefectNotApplicable(ValueError):
    """The batch lacks what the defect needs (the file, enough rows, another batch to compare)."""


@dataclass(frozen=True)
class Defect:
    name: str
    system: str  # "hris" or "crm": the batch it breaks
    entity: str  # the entity whose file is broken, or "*" / "_manifest" for the whole batch
    column: str | None  # the column at fault, if any
    stage: str  # "ingest" (refused by the structural checks) or "checks" (loads, fails a DQ check)
    description: str
    apply: Apply = field(repr=False, compare=False)  # (batch_dir, landing_dir) -> None, in place

    @property
    def batch_level(self) -> bool:
        return self.entity in BATCH_LEVEL


DEFECTS: dict[str, Defect] = {}


def inject_defect(batch_dir: Path, name: str, landing_dir: Path | None = None) -> Defect:
    """Apply defect ``name`` to the complete batch in ``batch_dir`` (in place) and return it.

    ``landing_dir`` (default: ``batch_dir``'s grandparent) is read by the batch-level defects only.
    ``stale_batch`` moves the folder: see :func:`batch_dir_after`.
    """
    defect = _defect(name)
    batch_dir = Path(batch_dir)
    system = _manifest(batch_dir).get("system")
    if not defect.batch_level and system != defect.system:
        raise DefectNotApplicable(f"{name} breaks a {defect.system} batch; {batch_dir} is {system}")
    defect.apply(batch_dir, _landing(batch_dir, landing_dir))
    return defect


def batch_dir_after(batch_dir: Path, name: str, landing_dir: Path | None = None) -> Path:
    """The folder the batch will be in after injecting ``name``; call it before injecting.

    The same folder for every defect except ``stale_batch``, which renames it (in its parent) to one
    day before the oldest other batch of its system in the landing zone.
    """
    _defect(name)
    batch_dir = Path(batch_dir)
    if name != "stale_batch":
        return batch_dir
    if not batch_dir.is_dir():
        raise FileNotFoundError(f"{batch_dir} does not exist: call batch_dir_after before inject_defect")
    return batch_dir.parent / _stale_batch_id(batch_dir, _landing(batch_dir, landing_dir))


def _defect(name: str) -> Defect:
    try:
        return DEFECTS[name]
    except KeyError:
        raise KeyError(f"unknown defect {name!r}; known: {', '.join(DEFECTS)}") from None


def _landing(batch_dir: Path, landing_dir: Path | None) -> Path:
    return Path(landing_dir) if landing_dir is not None else Path(batch_dir).parent.parent


# --- the manifest and the one rewrite-and-re-sign helper -------------------------------------


def _manifest(batch_dir: Path) -> dict:
    path = Path(batch_dir) / MANIFEST_NAME
    if not path.is_file():
        raise DefectNotApplicable(f"{batch_dir} has no {MANIFEST_NAME}: not a complete batch")
    return json.loads(path.read_text(encoding="utf-8"))


def _write_manifest(batch_dir: Path, manifest: dict) -> None:
    """Written the way batch_writer writes it."""
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (Path(batch_dir) / MANIFEST_NAME).write_text(text, encoding="utf-8")


def _entity_file(batch_dir: Path, name: str) -> Path:
    entry = _manifest(batch_dir)["files"].get(name)
    present = [batch_dir / f"{name}.{fmt}" for fmt in FILE_FORMATS if (batch_dir / f"{name}.{fmt}").is_file()]
    if entry is None or not present:
        raise DefectNotApplicable(f"{batch_dir} has no {name} file")
    return present[0]


def _resign(batch_dir: Path, name: str, data: bytes, rows: int | None = None) -> None:
    """Replace entity ``name``'s file with ``data`` and re-sign it in the manifest: its sha256, and its
    row count when given, so that the manifest agrees and only the intended defect remains."""
    path = _entity_file(batch_dir, name)
    path.write_bytes(data)
    manifest = _manifest(batch_dir)
    entry = manifest["files"][name]
    entry["sha256"] = file_sha256(path)
    if rows is not None:
        entry["rows"] = rows
    _write_manifest(batch_dir, manifest)


# --- one CSV file, read and written the way batch_writer writes it ---------------------------


@dataclass
class _Table:
    system: str
    entity: str
    header: list[str]
    rows: list[list[str]]

    def index(self, column: str) -> int:
        return self.header.index(column)

    def row(self, i: int) -> dict[str, str]:
        return dict(zip(self.header, self.rows[i], strict=True))

    def get(self, i: int, column: str) -> str:
        return self.rows[i][self.index(column)]

    def set(self, i: int, column: str, value: str) -> None:
        self.rows[i][self.index(column)] = value

    def pick(
        self,
        where: Callable[[dict[str, str]], object] | None = None,
        nth: int = ROW,
        otherwise: Callable[[dict[str, str]], object] | None = None,
    ) -> int:
        """Index of the ``nth`` row matching ``where`` (the last match if fewer match); rows matching
        ``otherwise`` when none matches ``where``."""
        for condition in (where, otherwise) if otherwise else (where,):
            matches = [i for i in range(len(self.rows)) if condition is None or condition(self.row(i))]
            if matches:
                return matches[min(nth, len(matches)) - 1]
        raise DefectNotApplicable(f"{self.system}/{self.entity} has no row this defect can break")

    def fields(self, i: int, sep: str = ",") -> list[str]:
        """Data row ``i`` as written: string and timestamp values quoted, others bare, null empty."""
        return [
            _field(value, self._quoted(column), sep)
            for column, value in zip(self.header, self.rows[i], strict=True)
        ]

    def lines(self, sep: str = ",") -> list[str]:
        header = sep.join(_field(c, True, sep) for c in self.header)
        return [header, *(sep.join(self.fields(i, sep)) for i in range(len(self.rows)))]

    def encode(self, sep: str = ",") -> bytes:
        return _join(self.lines(sep))

    def _quoted(self, column: str) -> bool:
        declared = entity(self.system, self.entity)
        return column in declared.column_names and declared.column(column).type in _QUOTED_TYPES


def _field(value: str, quoted: bool, sep: str = ",") -> str:
    if value == "":  # a null: the exporter writes nothing
        return ""
    if quoted or any(ch in value for ch in (sep, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _join(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _read(batch_dir: Path, name: str) -> _Table:
    path = _entity_file(batch_dir, name)
    if path.suffix != ".csv":
        raise DefectNotApplicable(f"{path} is {path.suffix.lstrip('.')}; defect injection edits CSV files")
    records = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""), strict=True))
    if not records:
        raise DefectNotApplicable(f"{path} is empty")
    return _Table(_manifest(batch_dir)["system"], name, records[0], records[1:])


def _save(batch_dir: Path, table: _Table) -> None:
    _resign(batch_dir, table.entity, table.encode(), rows=len(table.rows))


def _set_cell(name: str, column: str, value: str, where=None, otherwise=None) -> Apply:
    """A defect that sets ``column`` of the 3rd row matching ``where`` (see ``_Table.pick``) to ``value``."""

    def apply(batch_dir: Path, landing_dir: Path) -> None:
        table = _read(batch_dir, name)
        table.set(table.pick(where, otherwise=otherwise), column, value)
        _save(batch_dir, table)

    return apply


def _register(
    name: str, system: str, entity_name: str, column: str | None, stage: str, description: str
) -> Callable[[Apply], Apply]:
    def register(apply: Apply) -> Apply:
        DEFECTS[name] = Defect(name, system, entity_name, column, stage, description, apply)
        return apply

    return register


def _days(value: str, days: int) -> str:
    return (date.fromisoformat(value) + timedelta(days=days)).isoformat()


def _export_date(batch_dir: Path) -> date:
    return batch_time(_manifest(batch_dir)["batch_id"]).date()


def _is_active(r: dict[str, str]) -> bool:
    return not r["termination_date"]


def _is_active_ic(r: dict[str, str]) -> bool:
    """Active, not the CEO, no reports expected: breaking them has the fewest knock-on effects."""
    return _is_active(r) and bool(r["manager_id"]) and r["leadership_level"] == "0"


def _other_batches(batch_dir: Path, landing_dir: Path, system: str) -> list[Batch]:
    """Complete batches of ``system`` in the landing zone other than this one, oldest first."""
    here = Path(batch_dir).resolve()
    return [b for b in discover_batches(landing_dir, system) if b.path.resolve() != here]


def _stale_batch_id(batch_dir: Path, landing_dir: Path) -> str:
    system = _manifest(batch_dir)["system"]
    others = _other_batches(batch_dir, landing_dir, system)
    if not others:
        raise DefectNotApplicable(
            f"stale_batch needs another {system} batch in {landing_dir} to be older than"
        )
    return (batch_time(others[0].batch_id) - timedelta(days=1)).strftime(BATCH_ID_FORMAT)


# --- the defects -----------------------------------------------------------------------------


@_register(
    "duplicate_employee_id",
    "hris",
    "employees",
    "employee_id",
    "ingest",
    "Row 3 of the employees snapshot carries row 2's employee_id: the natural key repeats.",
)
def _duplicate_employee_id(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    if len(table.rows) < ROW:
        raise DefectNotApplicable("employees needs at least 3 rows")
    table.set(ROW - 1, "employee_id", table.get(ROW - 2, "employee_id"))
    _save(batch_dir, table)


_register(
    "null_key",
    "hris",
    "goal_attainment",
    "employee_id",
    "ingest",
    "Goal attainment row 3 has an empty employee_id, part of its natural key.",
)(_set_cell("goal_attainment", "employee_id", ""))


@_register(
    "reporting_line_cycle",
    "hris",
    "employees",
    "manager_id",
    "checks",
    "The first two active non-CEO managers (file order) report to each other: A.manager_id = B, "
    "B.manager_id = A, a cycle in the reporting line.",
)
def _reporting_line_cycle(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    rows = [table.row(i) for i in range(len(table.rows))]
    managers = {r["manager_id"] for r in rows if _is_active(r)}
    pair = [
        i for i, r in enumerate(rows) if _is_active(r) and r["manager_id"] and r["employee_id"] in managers
    ]
    if len(pair) < 2:
        raise DefectNotApplicable("employees needs two active managers below the CEO")
    a, b = pair[:2]
    table.set(a, "manager_id", rows[b]["employee_id"])
    table.set(b, "manager_id", rows[a]["employee_id"])
    _save(batch_dir, table)


_register(
    "unknown_manager",
    "hris",
    "employees",
    "manager_id",
    "checks",
    f"The 3rd employee with a manager reports to {UNKNOWN_MANAGER}, an id that exists nowhere.",
)(_set_cell("employees", "manager_id", UNKNOWN_MANAGER, where=lambda r: r["manager_id"]))

_register(
    "unknown_department",
    "hris",
    "employees",
    "department_id",
    "checks",
    f"Employee row 3 belongs to department {UNKNOWN_DEPARTMENT}, which departments does not have.",
)(_set_cell("employees", "department_id", UNKNOWN_DEPARTMENT))

_register(
    "rating_out_of_range",
    "hris",
    "competency_assessments",
    "rating",
    "checks",
    "Competency assessment row 3 has rating 7 on the 1-5 scale.",
)(_set_cell("competency_assessments", "rating", "7"))

_register(
    "negative_revenue",
    "crm",
    "team_revenue",
    "revenue",
    "checks",
    "CRM team revenue row 3 has revenue -1500.",
)(_set_cell("team_revenue", "revenue", "-1500"))


@_register(
    "hire_date_in_future",
    "hris",
    "employees",
    "hire_date",
    "checks",
    "The 3rd active individual contributor's hire_date is 400 days after the export date "
    "(level_start_date is left as it was).",
)
def _hire_date_in_future(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    future = _export_date(batch_dir) + timedelta(days=400)
    table.set(table.pick(_is_active_ic, otherwise=_is_active), "hire_date", future.isoformat())
    _save(batch_dir, table)


@_register(
    "termination_before_hire",
    "hris",
    "employees",
    "termination_date",
    "checks",
    "The 3rd leaver's termination_date is 30 days before their hire_date (an active individual "
    "contributor's if the snapshot has no leavers).",
)
def _termination_before_hire(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    i = table.pick(lambda r: r["termination_date"], otherwise=_is_active_ic)
    table.set(i, "termination_date", _days(table.get(i, "hire_date"), -30))
    _save(batch_dir, table)


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


_register(
    "type_drift",
    "hris",
    "goal_attainment",
    "goal_attainment_pct",
    "ingest",
    "Goal attainment row 3 has goal_attainment_pct 'high' instead of a number.",
)(_set_cell("goal_attainment", "goal_attainment_pct", "high"))


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


@_register(
    "same_batch_twice",
    "hris",
    "*",
    None,
    "ingest",
    "The batch becomes a byte-identical re-delivery of the most recent other batch of its system: "
    "that batch's files and manifest file entries, under this batch's id and export time.",
)
def _same_batch_twice(batch_dir: Path, landing_dir: Path) -> None:
    manifest = _manifest(batch_dir)
    others = _other_batches(batch_dir, landing_dir, manifest["system"])
    if not others:
        raise DefectNotApplicable(
            f"same_batch_twice needs another {manifest['system']} batch in {landing_dir}"
        )
    source = others[-1].path
    listed = _manifest(source)["files"]
    copies = [_entity_file(source, name) for name in listed]
    (batch_dir / MANIFEST_NAME).unlink()
    for path in batch_dir.iterdir():
        if path.suffix.lstrip(".") in FILE_FORMATS:
            path.unlink()
    for path in copies:
        shutil.copyfile(path, batch_dir / path.name)
    _write_manifest(batch_dir, {**manifest, "files": listed})


@_register(
    "crm_emails_unmatched",
    "crm",
    "team_revenue",
    "owner_email",
    "checks",
    "Every 4th CRM team revenue row (rows 1, 5, 9, ...: at least 25%) has owner_email "
    "unknown.person<n>@example.com, which no employee has.",
)
def _crm_emails_unmatched(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "team_revenue")
    if not table.rows:
        raise DefectNotApplicable("team_revenue has no rows")
    for n, i in enumerate(range(0, len(table.rows), 4), start=1):
        table.set(i, "owner_email", f"unknown.person{n}@example.com")
    _save(batch_dir, table)


@_register(
    "milestone_completed_before_assigned",
    "hris",
    "idp_milestones",
    "completed_on",
    "checks",
    "The contract has no assignment date, so the owner's hire date stands for it: the 3rd milestone "
    "whose owner is in employees.csv gets completed_on = that hire_date - 60 days.",
)
def _milestone_completed_before_assigned(batch_dir: Path, landing_dir: Path) -> None:
    people = _read(batch_dir, "employees")
    hired = {people.get(i, "employee_id"): people.get(i, "hire_date") for i in range(len(people.rows))}
    table = _read(batch_dir, "idp_milestones")
    i = table.pick(lambda r: r["employee_id"] in hired)
    table.set(i, "completed_on", _days(hired[table.get(i, "employee_id")], -60))
    _save(batch_dir, table)


@_register(
    "training_completed_before_assigned",
    "hris",
    "trainings",
    "completed_on",
    "checks",
    "Training row 3 has completed_on = assigned_on - 10 days.",
)
def _training_completed_before_assigned(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "trainings")
    i = table.pick()
    table.set(i, "completed_on", _days(table.get(i, "assigned_on"), -10))
    _save(batch_dir, table)


_register(
    "invalid_session_status",
    "hris",
    "mentoring_sessions",
    "status",
    "checks",
    "The 3rd mentoring session without mentee feedback (else row 3) has status 'postponed', "
    "not an allowed value.",
)(
    _set_cell(
        "mentoring_sessions",
        "status",
        "postponed",
        where=lambda r: not r["mentee_feedback"],
        otherwise=lambda r: True,
    )
)

_register(
    "unknown_mentee",
    "hris",
    "mentor_assignments",
    "mentee_employee_id",
    "checks",
    f"Mentor assignment row 3 has mentee_employee_id {UNKNOWN_MENTEE}, an id that exists nowhere.",
)(_set_cell("mentor_assignments", "mentee_employee_id", UNKNOWN_MENTEE))
