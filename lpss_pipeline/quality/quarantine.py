"""Quarantining a bad batch: out of the way of staging, kept whole, explained, announced.

A quarantined batch gets a row in ``ops.quarantined_batches`` (staging skips its rows; raw keeps
them, append-only), a copy of its files with a machine-readable ``_quarantine.json`` under
``LPSS_HOME/quarantine/<batch_id>/``, and a missing-data alert to the data channel in
ops.alert_deliveries. The landing folder is left as the exporter wrote it. Only its plain files
(and plain sub-folders) are copied: a symbolic link, pipe or device is never followed or read, and
``_quarantine.json`` names what was left out (``not_copied``).

The same ledger holds the batches a person retired (``lpss batches retire``, stage ``retired``,
``by_user`` who): it is the one list of batches staging and the checks skip. A CRM batch whose
e-mails match no employee while the HRIS side is unsettled is held there too (stage ``waiting``,
:func:`hold`): out of staging, not quarantined (no copy, no alert), re-checked each run and released
(:func:`release`) when the checks decide it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from lpss_pipeline.alerting.outbox import Alert, raise_alert
from lpss_pipeline.config import channel
from lpss_pipeline.ingestion.errors import Finding, clipped, counts_by_check, summary_lines
from lpss_pipeline.ingestion.landing import Batch

REASON_FILE = "_quarantine.json"
# SQL condition on ops.ingested_batches aliased ``i``: the batch is not quarantined.
NOT_QUARANTINED = (
    "NOT EXISTS (SELECT 1 FROM ops.quarantined_batches AS q "
    "WHERE q.system = i.system AND q.batch_id = i.batch_id)"
)
SHOWN_FINDINGS = 5
LINE_CHARS = 250  # a finding's line in the alert: five of them and their counts fit one Slack section
RETIRED = "retired"
"""The ledger stage of a batch taken out of the marts by a person (ingestion/ledger.py)."""
WAITING = "waiting"
"""The ledger stage of a loaded batch held until another system's batch is settled (SPEC section 10)."""


def ensure_quarantine_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute("""
        CREATE TABLE IF NOT EXISTS ops.quarantined_batches (
            system VARCHAR NOT NULL, batch_id VARCHAR NOT NULL, manifest_sha256 VARCHAR,
            quarantined_at TIMESTAMPTZ NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL,
            findings JSON NOT NULL, folder VARCHAR NOT NULL, by_user VARCHAR)""")
    # who retired the batch (null for the pipeline's own quarantines); ledgers older than retirement lack it
    con.execute("ALTER TABLE ops.quarantined_batches ADD COLUMN IF NOT EXISTS by_user VARCHAR")


def ledger_stage(con: duckdb.DuckDBPyConnection, batch: Batch, manifest_sha: str | None) -> str | None:
    """The stage at which the batch, with this manifest, left the marts (``retired`` before any
    other); None when it did not."""
    row = con.execute(
        "SELECT stage FROM ops.quarantined_batches "
        "WHERE system = ? AND batch_id = ? AND manifest_sha256 IS NOT DISTINCT FROM ? AND stage <> ? "
        "ORDER BY stage = ? DESC, quarantined_at DESC LIMIT 1",
        [batch.system, batch.batch_id, manifest_sha, WAITING, RETIRED],
    ).fetchone()
    return row[0] if row else None


def latest_good_batch(con: duckdb.DuckDBPyConnection, system: str) -> str | None:
    return con.execute(
        f"SELECT max(batch_id) FROM ops.ingested_batches AS i WHERE system = ? AND {NOT_QUARANTINED}",
        [system],
    ).fetchone()[0]


def manifest_sha_of(batch: Batch) -> str | None:
    """The batch's manifest checksum, None when it cannot be read (the ledger row says so)."""
    try:
        return batch.manifest_sha256
    except OSError:
        return None


def record(
    con: duckdb.DuckDBPyConnection,
    system: str,
    batch_id: str,
    manifest_sha: str | None,
    when: datetime,
    stage: str,
    reason: str,
    findings: list[dict],
    folder: Path,
    by_user: str | None = None,
) -> None:
    """One row of ``ops.quarantined_batches``: a quarantine, a hold or a retirement."""
    con.execute(
        "INSERT INTO ops.quarantined_batches (system, batch_id, manifest_sha256, quarantined_at, stage, "
        "reason, findings, folder, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [system, batch_id, manifest_sha, when, stage, reason, json.dumps(findings), str(folder), by_user],
    )


def hold(con: duckdb.DuckDBPyConnection, batch: Batch, reason: str, findings: list[Finding]) -> None:
    """Hold a loaded batch out of staging (stage ``waiting``) with the reason; replaces an earlier hold."""
    ensure_quarantine_ledger(con)
    release(con, batch.system, batch.batch_id)
    found = [f.as_dict() for f in findings]
    record(
        con,
        batch.system,
        batch.batch_id,
        manifest_sha_of(batch),
        datetime.now(UTC),
        WAITING,
        reason,
        found,
        batch.path,
    )


def release(con: duckdb.DuckDBPyConnection, system: str, batch_id: str) -> None:
    """End a hold: the batch was checked again and passed or was quarantined."""
    ensure_quarantine_ledger(con)
    con.execute(
        "DELETE FROM ops.quarantined_batches WHERE system = ? AND batch_id = ? AND stage = ?",
        [system, batch_id, WAITING],
    )


def copy_plain_files(source: Path, target: Path) -> list[str]:
    """Copy the plain files and folders of ``source`` to ``target``, never following a link; returns
    what was left out (relative paths). A ``source`` that is itself a symbolic link is not entered."""
    target.mkdir(parents=True)
    if source.is_symlink():
        return ["."]
    left_out = []
    for entry in sorted(source.iterdir()):
        mode = entry.lstat().st_mode
        if stat.S_ISDIR(mode):
            left_out += [f"{entry.name}/{n}" for n in copy_plain_files(entry, target / entry.name)]
        elif stat.S_ISREG(mode):
            fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as src, (target / entry.name).open("wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            left_out.append(entry.name)
    return left_out


def describe(batch: Batch, stage: str, findings: list[Finding], report: Path | None = None) -> str:
    """The alert's and the ledger's text: every blocking finding when there are few, else the count per
    check, one example of each of the first few kinds and where the whole list is (``report``). Short
    enough for one Slack section (3,000 characters) whatever the batch holds."""
    blocking = [f for f in findings if f.blocking]
    head = f"Batch {batch.label} quarantined ({stage}): {len(blocking)} blocking finding(s)"
    lines = summary_lines(blocking, shown=SHOWN_FINDINGS, per_kind=1, kinds=SHOWN_FINDINGS, limit=LINE_CHARS)
    if len(blocking) > SHOWN_FINDINGS:
        head += f" ({clipped(counts_by_check(blocking), LINE_CHARS)})" + (
            f"; all in {report}" if report else ""
        )
    return "\n".join([f"{head}.", *(f"- {line}" for line in lines)])


@dataclass
class Quarantine:
    directory: Path  # LPSS_HOME/quarantine

    def _folder(self, batch: Batch) -> Path:
        folder = self.directory / batch.batch_id
        reason = folder / REASON_FILE
        if reason.exists() and json.loads(reason.read_text())["system"] != batch.system:
            folder = self.directory / f"{batch.batch_id}-{batch.system}"  # both systems exported that second
        return folder

    def quarantine(
        self, con: duckdb.DuckDBPyConnection, batch: Batch, stage: str, findings: list[Finding]
    ) -> Path:
        """Record, copy and announce; returns the quarantine folder."""
        ensure_quarantine_ledger(con)
        manifest_sha = manifest_sha_of(batch)
        now = datetime.now(UTC)
        folder = self._folder(batch)
        message = describe(batch, stage, findings, folder / REASON_FILE)
        if folder.exists():
            shutil.rmtree(folder)
        not_copied = copy_plain_files(batch.path, folder)
        reason = {
            "system": batch.system,
            "batch_id": batch.batch_id,
            "manifest_sha256": manifest_sha,
            "stage": stage,
            "quarantined_at": now.isoformat(),
            "landing_folder": str(batch.path),
            "findings": [f.as_dict() for f in findings],
            "not_copied": not_copied,  # not plain files: never followed, read or copied
        }
        (folder / REASON_FILE).write_text(json.dumps(reason, indent=2) + "\n")
        record(
            con, batch.system, batch.batch_id, manifest_sha, now, stage, message, reason["findings"], folder
        )
        raise_alert(
            con,
            Alert(
                alert_key=f"missing_data:{batch.label}:{(manifest_sha or 'no-manifest')[:12]}",
                rule_id="missing_data",
                channel=channel("data"),
                message=message,
                details={
                    "system": batch.system,
                    "batch_id": batch.batch_id,
                    "stage": stage,
                    "quarantine_folder": str(folder),
                    "findings": reason["findings"][:SHOWN_FINDINGS],
                },
            ),
        )
        return folder
