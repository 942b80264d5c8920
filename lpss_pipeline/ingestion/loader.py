"""Append complete batches to ``raw.<system>__<entity>``, one transaction per batch.

Raw tables are append-only: every row keeps its batch id, source file and row, load time and a
row hash, and no batch's rows are ever updated or deleted (staging decides which batch wins). An
e-mail column also gets its comparison key (``_<column>_normalized``, contract/emails.py), written
with the row; rows loaded before keys existed get theirs once (:func:`fill_email_keys`), the one
derived value ever added to a loaded row.
Loading is idempotent: a batch already loaded with the same manifest adds nothing. A batch that
breaks the contract is refused whole, so nothing already loaded changes. A batch whose every file
is byte-identical to the latest good batch of its system is ``unchanged``: recorded
(ingestion/ledger.py), nothing loaded, nothing refused. Only the entities the organisation tracks
(tracked_entities.csv) are loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lpss_pipeline.config import tracked_entities
from lpss_pipeline.contract import ENTITIES, Entity, entity
from lpss_pipeline.contract.emails import SQL_FUNCTION, normalized_column, register
from lpss_pipeline.lake.sync import write_batch
from lpss_pipeline.quality.quarantine import (
    REASON_FILE,
    RETIRED,
    Quarantine,
    ensure_quarantine_ledger,
    ledger_stage,
)

from .errors import BatchRefused, Finding
from .landing import Batch, checked_files, discover_batches, misnamed_folders
from .ledger import (
    copy_of_latest,
    ensure_unchanged_ledger,
    record_ignored,
    record_unchanged,
    recorded_unchanged,
)
from .receipts import write_receipt
from .staging import LINEAGE_COLUMNS, quote, stage_file, value_findings

META_COLUMNS = {
    "_batch_id": "VARCHAR NOT NULL",
    "_source_file": "VARCHAR NOT NULL",
    "_source_row": "BIGINT NOT NULL",
    "_loaded_at": "TIMESTAMPTZ NOT NULL",
    "_row_hash": "VARCHAR NOT NULL",
    # A mapped vendor batch (lpss_pipeline/mapping) traces each row to the vendor's file and line(s).
    "_vendor_file": "VARCHAR",
    "_vendor_lines": "VARCHAR",
}


@dataclass
class BatchResult:
    batch: Batch
    # loaded | already_loaded | unchanged (a copy of the latest good batch, nothing loaded) |
    # refused (and quarantined now) | quarantined (earlier) | retired (by a person, earlier)
    status: str
    rows: dict[str, int] = field(default_factory=dict)
    error: BatchRefused | None = None
    notes: list[Finding] = field(default_factory=list)  # non-blocking: files of untracked entities
    same_as: str | None = None  # unchanged: the batch it is a copy of


@dataclass
class IngestReport:
    results: list[BatchResult] = field(default_factory=list)
    # folders under landing/<system>/ whose name is not a batch id, seen for the first time (warnings)
    ignored: list[Finding] = field(default_factory=list)

    def of(self, status: str) -> list[BatchResult]:
        return [r for r in self.results if r.status == status]

    def rows_added(self, system: str, name: str) -> int:
        return sum(r.rows.get(name, 0) for r in self.of("loaded") if r.batch.system == system)


def _key_columns(e: Entity) -> dict[str, str]:
    """The e-mail key columns of the entity's raw table (contract/emails.py), with their DDL."""
    return {normalized_column(c.name): "VARCHAR" for c in e.email_columns}


def fill_email_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Compute the e-mail keys raw rows lack: rows loaded before the loader wrote them (once, on the
    first ingest after an upgrade), or copied in from elsewhere (``lpss check``'s home employees)."""
    register(con)
    for e in ENTITIES.values():
        for c in e.email_columns:
            key, v = normalized_column(c.name), quote(c.name)
            con.execute(
                f"UPDATE raw.{quote(e.raw_table)} SET {key} = {SQL_FUNCTION}({v}) "
                f"WHERE {key} IS NULL AND {v} IS NOT NULL"
            )


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw tables and the batch ledger; add columns the contract gained since."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    for e in ENTITIES.values():
        cols = [f"{quote(c.name)} {c.duckdb_type}" for c in e.columns]
        cols += [f"{name} {ddl}" for name, ddl in {**META_COLUMNS, **_key_columns(e)}.items()]
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{quote(e.raw_table)} ({', '.join(cols)})")
        added = [(quote(c.name), c.duckdb_type) for c in e.columns] + [
            (name, ddl) for name, ddl in META_COLUMNS.items() if name in LINEAGE_COLUMNS
        ]
        for name, ddl in [*added, *_key_columns(e).items()]:
            con.execute(f"ALTER TABLE raw.{quote(e.raw_table)} ADD COLUMN IF NOT EXISTS {name} {ddl}")
    fill_email_keys(con)
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.ingested_batches (
            system VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, manifest_sha256 VARCHAR NOT NULL,
            loaded_at TIMESTAMPTZ NOT NULL, rows_loaded JSON NOT NULL, files_sha256 JSON,
            PRIMARY KEY (system, batch_id))""")
    ensure_quarantine_ledger(con)
    ensure_unchanged_ledger(con)


def _insert_sql(system: str, name: str, stage: str) -> str:
    e = entity(system, name)
    targets = [*map(quote, e.column_names), *META_COLUMNS]
    values = []
    for c in e.columns:
        v = quote(c.name)
        values.append(
            f"nullif({v}, '')" if c.type == "string" else f"CAST(nullif(trim({v}), '') AS {c.duckdb_type})"
        )
    row_hash = "md5(CAST(list_value(" + ", ".join(map(quote, e.column_names)) + ") AS VARCHAR))"
    values += ["$batch_id", "$source_file", "_row", "$loaded_at", row_hash, *LINEAGE_COLUMNS]
    # The key every comparison of an e-mail uses (contract/emails.py), computed once, here.
    targets += list(_key_columns(e))
    values += [f"{SQL_FUNCTION}(nullif({quote(c.name)}, ''))" for c in e.email_columns]
    return (
        f"INSERT INTO raw.{quote(e.raw_table)} ({', '.join(targets)}) SELECT {', '.join(values)} FROM {stage}"
    )


def _loaded_manifest(con: duckdb.DuckDBPyConnection, batch: Batch) -> str | None:
    row = con.execute(
        "SELECT manifest_sha256 FROM ops.ingested_batches WHERE system = ? AND batch_id = ?",
        [batch.system, batch.batch_id],
    ).fetchone()
    return row[0] if row else None


def _twin_finding(con: duckdb.DuckDBPyConnection, batch: Batch, files_sha: str) -> Finding | None:
    """A batch whose every file is byte-identical to an earlier loaded batch that is not the latest
    good one (that copy is ``unchanged``): a re-delivery of an old export would roll the state back."""
    twin = con.execute(
        "SELECT batch_id FROM ops.ingested_batches "
        "WHERE system = ? AND CAST(files_sha256 AS VARCHAR) = ? ORDER BY batch_id",
        [batch.system, files_sha],
    ).fetchone()
    if not twin:
        return None
    retired, quarantined = con.execute(
        "SELECT coalesce(bool_or(stage = ?), false), count(*) > 0 FROM ops.quarantined_batches "
        "WHERE system = ? AND batch_id = ?",
        [RETIRED, batch.system, twin[0]],
    ).fetchone()
    state = " (retired since)" if retired else " (quarantined since)" if quarantined else ""
    return Finding(
        f"{batch.label}/_manifest.json",
        f"every file is byte-identical to batch {batch.system}/{twin[0]}, loaded before{state}: "
        "a re-delivery of an older export, not a new one",
        check="duplicate_delivery",
    )


def load_batch(
    con: duckdb.DuckDBPyConnection, batch: Batch, landing_dir: Path, config_dir: Path | None = None
) -> BatchResult:
    """Load one batch atomically, or raise :class:`BatchRefused` having changed nothing.

    ``config_dir`` is where tracked_entities.csv is read (default: the settings' configuration folder).
    """
    manifest_sha = batch.manifest_sha256
    loaded_sha = _loaded_manifest(con, batch)
    if loaded_sha == manifest_sha:
        return BatchResult(batch, "already_loaded")
    if loaded_sha is not None:
        raise BatchRefused(
            batch.label,
            [
                Finding(
                    f"{batch.label}/_manifest.json",
                    "this batch id was already loaded with different content; raw data is append-only, "
                    "so send the correction as a new batch with a later batch id",
                )
            ],
        )
    same_as = recorded_unchanged(con, batch, manifest_sha)
    if same_as:
        return BatchResult(batch, "unchanged", same_as=same_as)
    files, notes = checked_files(batch, tracked_entities(batch.system, config_dir))
    files_sha = json.dumps({f.entity: f.sha256 for f in files}, sort_keys=True)
    same_as = copy_of_latest(con, batch.system, files)
    if same_as:  # a re-export with nothing new: recorded, skipped quietly
        record_unchanged(con, batch, manifest_sha, same_as)
        return BatchResult(batch, "unchanged", notes=notes, same_as=same_as)
    staged: dict[str, str] = {}  # entity -> temp table
    findings: list[Finding] = []
    try:
        # Stage and check every file first, outside any transaction: a parse error aborts the
        # transaction it happens in, and all of a batch's findings are reported at once.
        for f in files:
            e, label, stage = entity(batch.system, f.entity), f.label(batch), f"_stage_{f.entity}"
            file_findings = stage_file(con, e, f, label, stage) or value_findings(con, e, stage, label)
            findings += file_findings
            staged[f.entity] = stage
            if findings:  # the batch is refused anyway: free what was staged
                _drop(con, staged)
        if findings:
            raise BatchRefused(batch.label, findings)
        twin = _twin_finding(con, batch, files_sha)
        if twin:
            raise BatchRefused(batch.label, [twin])
        loaded_at = datetime.now(UTC)
        rows = {f.entity: f.rows for f in files}
        register(con)  # the e-mail key function the inserts call
        con.begin()
        try:
            for f in files:
                source = f.path.relative_to(landing_dir) if f.path.is_relative_to(landing_dir) else f.path
                con.execute(
                    _insert_sql(batch.system, f.entity, staged[f.entity]),
                    {"batch_id": batch.batch_id, "source_file": str(source), "loaded_at": loaded_at},
                )
            con.execute(
                "INSERT INTO ops.ingested_batches VALUES (?, ?, ?, ?, ?, ?)",
                [
                    batch.system,
                    batch.batch_id,
                    manifest_sha,
                    loaded_at,
                    json.dumps(rows, sort_keys=True),
                    files_sha,
                ],
            )
            # found unchanged with an earlier manifest, re-delivered with new files: loaded now
            con.execute(
                "DELETE FROM ops.unchanged_batches WHERE system = ? AND batch_id = ?",
                [batch.system, batch.batch_id],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        _drop(con, staged)
    return BatchResult(batch, "loaded", rows, notes=notes)


def _drop(con: duckdb.DuckDBPyConnection, staged: dict[str, str]) -> None:
    for table in staged.values():
        con.execute(f"DROP TABLE IF EXISTS {table}")
    staged.clear()


def load_pending(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    receipts_dir: Path,
    quarantine: Quarantine,
    system: str | None = None,
    config_dir: Path | None = None,
    lake_dir: Path | None = None,
) -> IngestReport:
    """Load every complete batch not loaded yet, oldest first; with ``lake_dir`` (dbt on Spark), write
    each loaded batch there as Parquet too (lpss_pipeline/lake/).

    A refused batch is quarantined and does not stop the others; a batch quarantined or retired
    before, with the same manifest, is skipped (a re-delivery with a new manifest is tried again).
    A folder whose name is not a batch id is not read, and reported once (``report.ignored``).
    """
    ensure_raw_schema(con)
    report = IngestReport(ignored=record_ignored(con, misnamed_folders(landing_dir, system)))
    for batch in discover_batches(landing_dir, system):
        stage = ledger_stage(con, batch, batch.manifest_sha256)
        if stage:
            report.results.append(BatchResult(batch, "retired" if stage == RETIRED else "quarantined"))
            continue
        try:
            result = load_batch(con, batch, Path(landing_dir), config_dir)
            if lake_dir is not None:
                for name, rows in result.rows.items():
                    if rows:
                        write_batch(con, lake_dir, entity(batch.system, name).raw_table, batch.batch_id)
        except BatchRefused as error:
            error.report = quarantine.quarantine(con, batch, "ingest", error.findings) / REASON_FILE
            result = BatchResult(batch, "refused", error=error)
        report.results.append(result)
        write_receipt(receipts_dir, result)
    return report
