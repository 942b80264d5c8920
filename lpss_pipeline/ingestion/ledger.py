"""The batch ledger over time: what became of every batch, unchanged re-exports, retiring a batch.

A contract batch is in one state (SPEC section 2, "Batches over time"):

- ``loaded``: in ``ops.ingested_batches`` and not in ``ops.quarantined_batches``;
- ``quarantined``: refused at ingest or mapping (nothing of it in raw), or loaded and then failed
  a data-integrity check (its rows stay in raw); a row in ``ops.quarantined_batches``;
- ``retired``: loaded, then taken out of the marts by a person (``lpss batches retire``): a row in
  ``ops.quarantined_batches`` at stage ``retired`` with who and why; its rows stay in raw;
- ``waiting``: a loaded CRM batch held out of the marts while the HRIS side is unsettled (its owner
  e-mails match no employee and the HRIS batch of its day or later was refused): a row in
  ``ops.quarantined_batches`` at stage ``waiting`` with why; checked again on every run, then
  loaded (the row goes) or quarantined;
- ``unchanged``: every file byte-identical to the latest good batch of its system, so nothing was
  loaded: a row in ``ops.unchanged_batches`` and a receipt, no quarantine, no alert;
- ``pending``: complete in the landing zone and not handled yet (``lpss batches`` reads it there);
- ``ignored``: not a batch at all, a folder under ``landing/<system>/`` whose name is not a batch
  id; nothing in it is read. The ingest warns of it once (``ops.ignored_folders`` remembers it).

``ops.quarantined_batches`` stays the one list staging (the ``quarantine_ledger()`` dbt macro) and
the checks (quality/batch_frames.py) skip, so a retired batch is gone from the next build, and is
never "the previous good batch" of a row-count check or of unchanged detection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lpss_pipeline.quality.quarantine import (
    RETIRED,
    WAITING,
    ensure_quarantine_ledger,
    latest_good_batch,
    record,
)

from .errors import Finding
from .landing import Batch, EntityFile


def ensure_unchanged_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.unchanged_batches (
            system VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, manifest_sha256 VARCHAR NOT NULL,
            same_as VARCHAR NOT NULL, recorded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (system, batch_id))""")


def recorded_unchanged(con: duckdb.DuckDBPyConnection, batch: Batch, manifest_sha: str) -> str | None:
    """The batch this one was found a copy of, if it was recorded unchanged with this manifest."""
    row = con.execute(
        "SELECT same_as FROM ops.unchanged_batches WHERE system = ? AND batch_id = ? AND manifest_sha256 = ?",
        [batch.system, batch.batch_id, manifest_sha],
    ).fetchone()
    return row[0] if row else None


def copy_of_latest(con: duckdb.DuckDBPyConnection, system: str, files: list[EntityFile]) -> str | None:
    """The latest good batch of ``system`` (never a quarantined or retired one) if ``files`` are
    exactly its loaded files: the same entities, checksums and manifest row counts; else None."""
    latest = latest_good_batch(con, system)
    if latest is None:
        return None
    row = con.execute(
        "SELECT CAST(files_sha256 AS VARCHAR), CAST(rows_loaded AS VARCHAR) FROM ops.ingested_batches "
        "WHERE system = ? AND batch_id = ?",
        [system, latest],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    same_files = json.loads(row[0]) == {f.entity: f.sha256 for f in files}
    return latest if same_files and json.loads(row[1]) == {f.entity: f.rows for f in files} else None


def record_unchanged(con: duckdb.DuckDBPyConnection, batch: Batch, manifest_sha: str, same_as: str) -> None:
    con.execute(
        "INSERT OR REPLACE INTO ops.unchanged_batches VALUES (?, ?, ?, ?, ?)",
        [batch.system, batch.batch_id, manifest_sha, same_as, datetime.now(UTC)],
    )


def record_ignored(con: duckdb.DuckDBPyConnection, misnamed: list[Finding]) -> list[Finding]:
    """Remember the misnamed folders (``landing.misnamed_folders``); returns those seen the first
    time, which the ingest reports (once: a folder that stays is not reported again)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.ignored_folders (
            system VARCHAR NOT NULL, folder VARCHAR NOT NULL, reason VARCHAR NOT NULL,
            recorded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (system, folder))""")
    new = []
    for finding in misnamed:
        system, folder = finding.file.split("/", 1)
        known = con.execute(
            "SELECT 1 FROM ops.ignored_folders WHERE system = ? AND folder = ?", [system, folder]
        ).fetchone()
        if not known:
            con.execute(
                "INSERT INTO ops.ignored_folders VALUES (?, ?, ?, ?)",
                [system, folder, finding.message, datetime.now(UTC)],
            )
            new.append(finding)
    return new


class RetireError(Exception):
    """A batch that cannot be retired; the message is the one line the person needs."""


@dataclass(frozen=True)
class Retirement:
    system: str
    batch_id: str
    by_user: str | None
    at: datetime
    reason: str
    already: bool = False  # it had been retired before; nothing changed now

    @property
    def label(self) -> str:
        return f"{self.system}/{self.batch_id}"


def _known_but_not_loaded(con: duckdb.DuckDBPyConnection, batch_id: str, system: str | None) -> str | None:
    """Why a batch id that is not in ops.ingested_batches is not retirable, if the ledger knows it."""
    for table, what in (
        ("ops.quarantined_batches", "was refused and quarantined at {stage}, never loaded"),
        ("ops.unchanged_batches", "was unchanged (a copy of {system}/{same_as}), nothing of it loaded"),
    ):
        columns = "system, stage, NULL" if "quarantined" in table else "system, NULL, same_as"
        try:
            row = con.execute(
                f"SELECT {columns} FROM {table} WHERE batch_id = ? AND (? IS NULL OR system = ?) LIMIT 1",
                [batch_id, system, system],
            ).fetchone()
        except duckdb.CatalogException:
            continue
        if row:
            return f"{row[0]}/{batch_id} " + what.format(system=row[0], stage=row[1], same_as=row[2])
    return None


def retire(
    con: duckdb.DuckDBPyConnection,
    batch_id: str,
    reason: str,
    by_user: str | None,
    landing_dir: Path,
    system: str | None = None,
) -> Retirement:
    """Take a loaded batch out of the marts: a ``retired`` row in the quarantine ledger (raw keeps its
    rows). Raises :class:`RetireError` for an unknown, not loaded or quarantined batch."""
    if not reason.strip():
        raise RetireError("give the reason for retiring the batch (--reason)")
    ensure_quarantine_ledger(con)
    try:
        loaded = con.execute(
            "SELECT system, manifest_sha256 FROM ops.ingested_batches "
            "WHERE batch_id = ? AND (? IS NULL OR system = ?) ORDER BY system",
            [batch_id, system, system],
        ).fetchall()
    except duckdb.CatalogException:
        loaded = []
    where = f"{system}/{batch_id}" if system else batch_id
    if not loaded:
        why = _known_but_not_loaded(con, batch_id, system)
        raise RetireError(f"{why}: only a loaded batch can be retired" if why else f"no loaded batch {where}")
    if len(loaded) > 1:
        systems = " and ".join(s for s, _ in loaded)
        raise RetireError(f"batch {batch_id} was loaded for {systems}: say which with --system")
    (system, manifest_sha), now = loaded[0], datetime.now(UTC)
    before = con.execute(
        "SELECT stage, by_user, quarantined_at, reason FROM ops.quarantined_batches "
        "WHERE system = ? AND batch_id = ? ORDER BY stage = ? DESC, quarantined_at",
        [system, batch_id, RETIRED],
    ).fetchone()
    if before and before[0] == RETIRED:
        return Retirement(system, batch_id, before[1], before[2], before[3], already=True)
    if before:
        raise RetireError(f"{system}/{batch_id} is quarantined ({before[0]}): it is out of the marts already")
    folder = Path(landing_dir) / system / batch_id
    record(con, system, batch_id, manifest_sha, now, RETIRED, reason.strip(), [], folder, by_user)
    return Retirement(system, batch_id, by_user, now, reason.strip())


@dataclass
class BatchState:
    """One batch as ``lpss batches`` lists it."""

    system: str  # hris, crm, or a vendor source
    batch_id: str
    state: str  # loaded | waiting | quarantined | retired | unchanged | pending | mapped
    loaded_at: datetime | None = None
    rows: int | None = None
    note: str = ""
    manifest_sha256: str | None = None  # of the ledger entry: a re-delivery with another manifest is pending


def _first_finding(reason: str) -> str:
    """The first finding of a quarantine's message (``describe``), else its first line."""
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    found = next((line[2:] for line in lines if line.startswith("- ")), lines[0] if lines else "")
    return found if len(found) <= 160 else found[:157] + "..."


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def warehouse_states(con: duckdb.DuckDBPyConnection, tables: set[str]) -> dict[tuple[str, str], BatchState]:
    """Every batch the warehouse's ledgers know, by (system, batch_id); read-only."""
    states: dict[tuple[str, str], BatchState] = {}
    if "ops.ingested_batches" in tables:
        for row in _rows(con, "SELECT * FROM ops.ingested_batches"):
            rows = sum(json.loads(row["rows_loaded"]).values()) if row["rows_loaded"] else 0
            states[(row["system"], row["batch_id"])] = BatchState(
                row["system"], row["batch_id"], "loaded", row["loaded_at"], rows, "", row["manifest_sha256"]
            )
    if "ops.unchanged_batches" in tables:
        for row in _rows(con, "SELECT * FROM ops.unchanged_batches"):
            states.setdefault(
                (row["system"], row["batch_id"]),
                BatchState(
                    row["system"],
                    row["batch_id"],
                    "unchanged",
                    note=f"same files as {row['system']}/{row['same_as']}, "
                    f"seen {row['recorded_at']:%Y-%m-%d %H:%M}",
                    manifest_sha256=row["manifest_sha256"],
                ),
            )
    if "ops.quarantined_batches" in tables:
        # a retirement outranks a quarantine of the same batch; otherwise the latest entry says why
        ledger = _rows(
            con, "SELECT * FROM ops.quarantined_batches ORDER BY stage = 'retired', quarantined_at"
        )
        for row in ledger:
            key = (row["system"], row["batch_id"])
            state = states.setdefault(key, BatchState(row["system"], row["batch_id"], "quarantined"))
            when = f"{row['quarantined_at']:%Y-%m-%d %H:%M}"
            if row["stage"] == RETIRED:
                state.state = RETIRED
                state.note = f"by {row.get('by_user') or 'unknown'} {when}: {row['reason']}"
            elif row["stage"] == WAITING:
                state.state = WAITING
                state.note = f"since {when}: {row['reason']}"
            else:
                state.state = "quarantined"
                state.note = f"{row['stage']} {when}: {_first_finding(row['reason'])}"
            state.manifest_sha256 = row["manifest_sha256"]
    return states
