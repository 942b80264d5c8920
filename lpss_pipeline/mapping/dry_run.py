"""`lpss check`: a vendor batch mapped and checked as loading would, with nothing loaded.

Everything happens in a scratch folder: the mapping in an in-memory DuckDB, then the contract
batch it would become, loaded into a scratch warehouse by the real loader (manifest, contract
and value checks) and validated by the real data-integrity suites. The home's warehouse,
landing zone, quarantine and outbox are never opened.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lpss_pipeline.contract import BATCH_ID_FORMAT, entity
from lpss_pipeline.ingestion.errors import BatchRefused, Finding
from lpss_pipeline.ingestion.landing import Batch, not_plain_entries
from lpss_pipeline.ingestion.loader import ensure_raw_schema, fill_email_keys, load_batch
from lpss_pipeline.ingestion.staging import quote

from .batches import VendorBatch, batch_id_of, is_complete, write_contract_batch
from .engine import MappedBatch, map_batch, scratch_connection
from .spec import Mapping

if TYPE_CHECKING:
    from lpss_pipeline.quality.integrity import BatchValidation

SAMPLE = 3
NO_EMPLOYEES = (
    "owner e-mails not matched to employees: this home has no HRIS batch loaded (or its warehouse is busy); "
    "they are matched when the batch loads"
)


@dataclass
class EntityPreview:
    name: str
    rows: int
    label: str
    columns: list[str]
    sample: list[tuple]
    findings: list[Finding] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> str:
        """Rows named by its blocking findings (at least the largest count, where rows were cut)."""
        blocking = [f for f in self.findings if f.blocking]
        if not blocking:
            return ""
        if all(f.affected <= len(f.rows) for f in blocking):
            return f"{len({r for f in blocking for r in f.rows}):,}"
        return f">= {max(f.affected for f in blocking):,}"


@dataclass
class DryRun:
    mapping: Mapping
    folder: Path
    batch_id: str
    complete: bool
    findings: list[Finding] = field(default_factory=list)
    entities: list[EntityPreview] = field(default_factory=list)
    unused: dict[str, list[str]] = field(default_factory=dict)
    stage: str = "mapping"  # the last stage reached: mapping, contract, integrity

    @property
    def would_load(self) -> bool:
        return not any(f.blocking for f in self.findings)


def _previews(con: duckdb.DuckDBPyConnection, mapped: MappedBatch, system: str) -> list[EntityPreview]:
    previews = []
    for e in mapped.entities.values():
        columns = list(entity(system, e.name).column_names)
        sample = con.execute(
            f"SELECT {', '.join(map(quote, columns))} FROM {e.table} ORDER BY _row LIMIT {SAMPLE}"
        ).fetchall()
        found = mapped.entity_findings.get(e.name, [])
        previews.append(EntityPreview(e.name, e.rows, e.label, columns, sample, list(found)))
    return previews


def _home_employees(con: duckdb.DuckDBPyConnection, warehouse: Path | None) -> bool:
    """The home's latest good HRIS employees, copied in so CRM e-mails can be matched; False when
    the home has none, or its warehouse is busy (a pipeline holds it)."""
    if warehouse is None or not Path(warehouse).exists():
        return False
    try:
        con.execute("ATTACH '" + str(warehouse).replace("'", "''") + "' AS home (READ_ONLY)")
    except duckdb.Error:
        return False
    try:
        latest = con.execute(
            "SELECT max(batch_id) FROM home.ops.ingested_batches AS i WHERE system = 'hris' AND NOT EXISTS "
            "(SELECT 1 FROM home.ops.quarantined_batches AS q "
            "WHERE q.system = 'hris' AND q.batch_id = i.batch_id)"
        ).fetchone()[0]
        if latest is not None:
            con.execute(
                "INSERT INTO raw.hris__employees BY NAME "
                "SELECT * FROM home.raw.hris__employees WHERE _batch_id = ?",
                [latest],
            )
            fill_email_keys(con)  # a home not ingested since e-mail keys were stored lacks them
        return latest is not None
    except duckdb.Error:
        return False
    finally:
        con.execute("DETACH home")


def _integrity(con, system: str, batch_id: str, scratch: Path) -> BatchValidation:
    from expectations.gx_run import GxRunner  # GX takes seconds to import: only once mapping passed
    from lpss_pipeline.quality.batch_frames import BatchRef
    from lpss_pipeline.quality.integrity import validate_batch

    return validate_batch(con, GxRunner(scratch / "gx", scratch / "data_docs"), BatchRef(system, batch_id))


def dry_run(mapping: Mapping, folder: Path, home_warehouse: Path | None = None) -> DryRun:
    """Map ``folder`` with ``mapping`` and run every check loading would, in a scratch folder."""
    folder = Path(folder).resolve()
    batch_id = batch_id_of(folder.name) or datetime.now(UTC).strftime(BATCH_ID_FORMAT)
    result = DryRun(mapping, folder, batch_id, is_complete(mapping, folder, batch_id))
    result.findings = not_plain_entries(folder, str(folder))  # links, pipes: refused unread
    if result.findings:
        return result
    with tempfile.TemporaryDirectory(prefix="lpss-check-") as tmp:
        scratch = Path(tmp)
        with scratch_connection(scratch) as con:
            mapped = map_batch(con, mapping, folder, scratch)
            result.findings, result.unused = list(mapped.findings), mapped.unused
            result.entities = _previews(con, mapped, mapping.system)
            if mapped.refused:
                return result
            vendor = VendorBatch(mapping.source, folder, batch_id)
            contract = write_contract_batch(con, mapped, vendor, scratch / "landing")
        result.stage = "contract"
        with duckdb.connect(str(scratch / "warehouse.duckdb")) as con:
            ensure_raw_schema(con)
            try:
                load_batch(con, Batch(mapping.system, batch_id, contract), scratch / "landing")
            except BatchRefused as refused:
                result.findings += refused.findings
                return result
            result.stage = "integrity"
            matched = mapping.system != "crm" or _home_employees(con, home_warehouse)
            validation = _integrity(con, mapping.system, batch_id, scratch)
            for preview in result.entities:
                if preview.name in validation.entities:
                    preview.findings += validation.entities[preview.name].findings
            findings = validation.all_findings
            if not matched:  # nothing to match e-mails against: said once, not as an error per row
                findings = [f for f in findings if f.column != "owner_email" or "HRIS" not in f.message]
                findings.append(
                    Finding(
                        str(folder), NO_EMPLOYEES, column="owner_email", check="integrity", blocking=False
                    )
                )
            result.findings += findings
    return result
