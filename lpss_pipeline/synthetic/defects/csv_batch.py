"""Reading and rewriting one CSV file of a batch the way batch_writer writes it, and re-signing it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lpss_pipeline.contract import BATCH_ID_FORMAT, FILE_FORMATS, MANIFEST_NAME, entity
from lpss_pipeline.ingestion.landing import Batch, discover_batches, file_sha256
from lpss_pipeline.synthetic.batch_writer import batch_time

BATCH_LEVEL = ("*", "_manifest")
ROW = 3  # the data row (1 = first after the header) a defect breaks, among those that qualify
UNKNOWN_MANAGER, UNKNOWN_DEPARTMENT, UNKNOWN_MENTEE = "E9999999", "D9999", "E9999998"
_QUOTED_TYPES = frozenset({"string", "timestamp"})  # what batch_writer's CSV quotes
_BOM = b"\xef\xbb\xbf"

Apply = Callable[[Path, Path], None]


class DefectNotApplicable(ValueError):
    """The batch lacks what the defect needs (the file, enough rows, another batch to compare)."""


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
