"""The daily data-integrity checks of loaded batches (SPEC section 10), without Dagster.

Every loaded batch is validated once, entity by entity, against its raw suite; a blocking
finding quarantines the batch (staging then skips it and the last good data stays). Results
go to ``ops.data_quality_runs`` and ``ops.data_quality_findings`` for `lpss quality`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import duckdb

from expectations.gx_run import GxRunner, Outcome, merge_outcomes
from expectations.raw import RawContext, raw_suite
from lpss_pipeline.config import config_values
from lpss_pipeline.contract import Entity, entity
from lpss_pipeline.ingestion.errors import Finding
from lpss_pipeline.ingestion.landing import Batch
from lpss_pipeline.ingestion.loader import ensure_raw_schema

from .batch_frames import (
    BatchRef,
    batch_frame,
    entities_in,
    parts_of,
    previous_rows,
    referenced_columns,
)
from .data_warnings import data_warnings
from .quarantine import NOT_QUARANTINED, RETIRED, WAITING, Quarantine, ensure_quarantine_ledger, hold, release

# The batches of system ``$system`` validated by these checks, as ``_batch_id`` with ``loaded_at``; those
# that also meet batch_frames.GOOD (loaded and not quarantined nor retired) passed them.
VALIDATED_BATCHES = (
    "SELECT batch_id AS _batch_id, loaded_at FROM ops.ingested_batches AS i WHERE system = $system "
    "AND EXISTS (SELECT 1 FROM ops.data_quality_runs AS r "
    "WHERE r.system = i.system AND r.batch_id = i.batch_id)"
)


@dataclass
class EntityResult:
    entity: str
    expectations: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]


@dataclass
class BatchValidation:
    batch: BatchRef
    entities: dict[str, EntityResult] = field(default_factory=dict)
    batch_findings: list[Finding] = field(default_factory=list)  # not tied to one entity (stale batch)
    waiting: str = ""  # why the batch is held (stage ``waiting``) instead of quarantined; see held_for()

    @property
    def quarantined(self) -> bool:
        return any(f.blocking for f in self.all_findings)

    @property
    def all_findings(self) -> list[Finding]:
        return self.batch_findings + [f for r in self.entities.values() for f in r.findings]


def ensure_results_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_quarantine_ledger(con)
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.data_quality_runs (
            checked_at TIMESTAMPTZ NOT NULL, system VARCHAR NOT NULL, batch_id VARCHAR NOT NULL,
            entity VARCHAR NOT NULL, expectations INTEGER NOT NULL, blocking_findings INTEGER NOT NULL,
            warnings INTEGER NOT NULL, status VARCHAR NOT NULL)""")
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.data_quality_findings (
            checked_at TIMESTAMPTZ NOT NULL, system VARCHAR NOT NULL, batch_id VARCHAR NOT NULL,
            entity VARCHAR, check_name VARCHAR NOT NULL, column_name VARCHAR, blocking BOOLEAN NOT NULL,
            affected BIGINT NOT NULL, rows JSON NOT NULL, message VARCHAR NOT NULL)""")


def batches_to_check(
    con: duckdb.DuckDBPyConnection, system: str, recheck_latest: bool = False
) -> list[BatchRef]:
    """Loaded, good batches never validated and held (``waiting``) ones; with ``recheck_latest`` and none
    new, the latest good batch again (the daily re-check)."""
    ensure_results_tables(con)
    ledger = (
        "SELECT 1 FROM ops.quarantined_batches AS q WHERE q.system = i.system AND q.batch_id = i.batch_id"
    )
    good = (
        "FROM ops.ingested_batches AS i WHERE i.system = $system "
        f"AND NOT EXISTS ({ledger} AND q.stage <> $waiting)"
    )
    new = con.execute(
        f"SELECT i.batch_id {good} AND (NOT EXISTS (SELECT 1 FROM ops.data_quality_runs AS r "
        "WHERE r.system = i.system AND r.batch_id = i.batch_id) "
        f"OR EXISTS ({ledger} AND q.stage = $waiting)) "
        "ORDER BY i.batch_id",
        {"system": system, "waiting": WAITING},
    ).fetchall()
    if not new and recheck_latest:
        new = con.execute(
            f"SELECT max(i.batch_id) {good} HAVING count(*) > 0", {"system": system, "waiting": WAITING}
        ).fetchall()
    return [BatchRef(system, row[0]) for row in new]


def _finding(batch: BatchRef, e: Entity, outcome: Outcome) -> Finding:
    spec = outcome.expectation
    what = spec.description or spec.check.replace("_", " ")
    sample = "" if outcome.sample is None else f" (e.g. {outcome.sample!r})"
    count = f"{outcome.unexpected} row(s) fail" if outcome.unexpected else "fails"
    return Finding(
        f"{batch.label}/{e.name}",
        f"{what}: {count}{sample} [{spec.gx_type}]",
        column=spec.column,
        rows=outcome.rows,
        affected=outcome.unexpected,
        check=spec.check,
        blocking=spec.blocking,
    )


def in_vendor_terms(con: duckdb.DuckDBPyConnection, batch: BatchRef, e: Entity, f: Finding) -> Finding:
    """A finding on rows of a mapped batch, also pointing at the vendor's file and the lines they came
    from (raw's ``_vendor_file`` and ``_vendor_lines``); a contract batch's finding as it is."""
    if not f.rows:
        return f
    vendor_file, lines = con.execute(
        f'SELECT min(_vendor_file), list(_vendor_lines ORDER BY _source_row) FROM raw."{e.raw_table}" '
        "WHERE _batch_id = ? AND list_contains(?, _source_row)",
        [batch.batch_id, list(f.rows)],
    ).fetchone()
    if vendor_file is None:
        return f
    first_lines = [x.split(",")[0] for x in lines if x]
    shown = ", ".join(x for x in first_lines if x.isdigit())
    added = len(first_lines) - len(shown.split(", ") if shown else [])
    where = [f"line{'s' if ',' in shown else ''} {shown}"] if shown else []
    where += [f"{added} row(s) the mapping added as placeholders"] if added else []
    message = f"{f.message} (vendor file {vendor_file}, {'; '.join(where)})"
    return Finding(f.file, message, f.column, f.rows, f.affected, f.check, f.blocking)


def _stale(con: duckdb.DuckDBPyConnection, batch: BatchRef) -> list[Finding]:
    """A batch that arrived after a newer export had already been loaded is out of order."""
    newer = con.execute(
        "SELECT max(i.batch_id) FROM ops.ingested_batches AS i "
        "JOIN ops.ingested_batches AS this ON this.system = i.system AND this.batch_id = $batch "
        "WHERE i.system = $system AND i.batch_id > $batch AND i.loaded_at < this.loaded_at "
        f"AND {NOT_QUARANTINED}",
        {"system": batch.system, "batch": batch.batch_id},
    ).fetchone()[0]
    if newer:
        return [
            Finding(
                f"{batch.label}/_manifest.json",
                f"stale batch: exported before {batch.system}/{newer}, which was loaded earlier; "
                "a late export cannot be applied over newer data",
                check="stale_batch",
            )
        ]
    return []


def _schema_findings(con: duckdb.DuckDBPyConnection, e: Entity, batch: BatchRef) -> list[Finding]:
    """Every contract column present in the raw table with the contract's type."""
    stored = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw' AND table_name = ?",
            [e.raw_table],
        ).fetchall()
    )
    return [
        Finding(
            f"{batch.label}/{e.name}",
            f"stored as {stored.get(c.name)}, the contract says {c.duckdb_type}",
            column=c.name,
            check="schema",
        )
        for c in e.columns
        if stored.get(c.name) != c.duckdb_type
    ]


def validate_batch(con: duckdb.DuckDBPyConnection, runner: GxRunner, batch: BatchRef) -> BatchValidation:
    rules = config_values("data_quality_rules")
    result = BatchValidation(batch, batch_findings=_stale(con, batch))
    for e in entities_in(con, batch):
        ctx = RawContext(
            export_date=batch.export_date,
            referenced=referenced_columns(e, batch),
            previous_rows=previous_rows(con, e, batch),
            reference_tolerance=rules["reference_tolerance_share"],
            crm_email_tolerance=rules["crm_unmatched_email_tolerance_share"],
            collapse_share=rules["row_count_collapse_share"],
        )
        suite = raw_suite(e, ctx)
        parts = parts_of(con, e, batch, int(rules["validation_rows_per_part"]))
        outcomes = merge_outcomes(
            [
                runner.validate(batch_frame(con, e, batch, part, parts), suite, run_name=batch.label)
                for part in range(parts)
            ]
        )
        failed = [o for o in outcomes if not o.success]
        # A warning that repeats a blocking failure of the same check and column says nothing new.
        blocking = {(o.expectation.check, o.expectation.column) for o in failed if o.expectation.blocking}
        shown = [
            o
            for o in failed
            if o.expectation.blocking or (o.expectation.check, o.expectation.column) not in blocking
        ]
        result.entities[e.name] = EntityResult(
            e.name,
            len(suite.expectations),
            [in_vendor_terms(con, batch, e, _finding(batch, e, o)) for o in shown],
        )
    # Warnings about the organisation described (data_warnings.py), on the entity each is about.
    for f in data_warnings(con, batch, int(rules["no_input_warning_months"])):
        e = entity(batch.system, f.entity)
        result.entities[e.name].findings.append(in_vendor_terms(con, batch, e, f))
    return result


def record(con: duckdb.DuckDBPyConnection, validation: BatchValidation) -> None:
    now = datetime.now(UTC)
    b = validation.batch
    for r in validation.entities.values():
        status = "failed" if r.blocking else "warning" if r.warnings else "passed"
        con.execute(
            "INSERT INTO ops.data_quality_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [now, b.system, b.batch_id, r.entity, r.expectations, len(r.blocking), len(r.warnings), status],
        )
    for f in validation.all_findings:
        con.execute(
            "INSERT INTO ops.data_quality_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                now,
                b.system,
                b.batch_id,
                f.entity,
                f.check,
                f.column,
                f.blocking,
                f.affected,
                json.dumps(list(f.rows)),
                str(f),
            ],
        )


def held_for(con: duckdb.DuckDBPyConnection, validation: BatchValidation) -> str:
    """Why a CRM batch is held rather than quarantined, or "" when it is not (SPEC section 10).

    A batch whose only blocking finding is owner e-mails matching no employee is held while the HRIS
    side is unsettled: an HRIS batch of its export day or later, newer than the latest HRIS batch that
    passed its checks, was refused or quarantined, or is loaded and not checked yet. The e-mails were
    then matched against employees that may not be today's; the next run checks the batch again."""
    b = validation.batch
    blocking = [f for f in validation.all_findings if f.blocking]
    if b.system != "crm" or not blocking or any(f.check != "crm_email_match" for f in blocking):
        return ""
    from .freshness import latest_passed_batch  # freshness reads this module's ledger of checked batches

    passed = latest_passed_batch(con, "hris")
    row = con.execute(
        "SELECT batch_id, what FROM ("
        "SELECT batch_id, 'refused or quarantined (' || arg_max(stage, quarantined_at) || ')' AS what "
        "FROM ops.quarantined_batches WHERE system = 'hris' AND stage NOT IN ($retired, $waiting) "
        "GROUP BY batch_id UNION ALL "
        "SELECT batch_id, 'not checked yet' FROM ops.ingested_batches AS i WHERE system = 'hris' "
        f"AND {NOT_QUARANTINED} AND NOT EXISTS (SELECT 1 FROM ops.data_quality_runs AS r "
        "WHERE r.system = i.system AND r.batch_id = i.batch_id)) "
        "WHERE batch_id >= $day AND ($passed IS NULL OR batch_id > $passed) ORDER BY batch_id DESC LIMIT 1",
        {"retired": RETIRED, "waiting": WAITING, "day": f"{b.export_date:%Y-%m-%d}", "passed": passed},
    ).fetchone()
    if row is None:
        return ""
    return (
        f"waiting for HRIS: owner e-mails match no employee of hris/{passed or '(none passed)'} "
        f"while hris/{row[0]} is {row[1]}; checked again on the next run"
    )


def _held(validation: BatchValidation, reason: str) -> BatchValidation:
    """The validation of a held batch: its blocking findings become warnings (it is out of staging)."""
    held = BatchValidation(validation.batch, batch_findings=list(validation.batch_findings), waiting=reason)
    for name, r in validation.entities.items():
        findings = [
            replace(f, blocking=False, message=f"{f.message} ({reason})") if f.blocking else f
            for f in r.findings
        ]
        held.entities[name] = EntityResult(r.entity, r.expectations, findings)
    return held


def check_system(
    con: duckdb.DuckDBPyConnection,
    runner: GxRunner,
    system: str,
    quarantine: Quarantine,
    landing_batch,
    recheck_latest: bool = False,
) -> list[BatchValidation]:
    """Validate every batch of ``system`` due for a check; quarantine those with blocking findings,
    or hold them (``waiting``) when :func:`held_for` says the fault may be the other system's.

    ``landing_batch(ref)`` returns the landing-zone :class:`Batch` of a ref (its files are copied
    into the quarantine).
    """
    ensure_raw_schema(con)  # e-mail keys of rows loaded before the loader wrote them (a check-only run)
    validations = []
    for ref in batches_to_check(con, system, recheck_latest):
        validation = validate_batch(con, runner, ref)
        if reason := held_for(con, validation):
            validation = _held(validation, reason)
        record(con, validation)
        if validation.waiting:
            hold(con, landing_batch(ref), validation.waiting, validation.all_findings)
        else:
            release(con, ref.system, ref.batch_id)
        if validation.quarantined:
            quarantine.quarantine(con, landing_batch(ref), "data_integrity_checks", validation.all_findings)
        validations.append(validation)
    return validations


def landing_batch_for(landing_dir, ref: BatchRef) -> Batch:
    return Batch(ref.system, ref.batch_id, landing_dir / ref.system / ref.batch_id)
