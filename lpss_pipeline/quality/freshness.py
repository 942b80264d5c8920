"""Freshness of each system's exports (SPEC section 10): how old the latest export that passed its
checks is, and one missing-data alert per late period.

Split from integrity.py, whose ledger of checked batches (``VALIDATED_BATCHES``) it reads.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from lpss_pipeline.alerting.outbox import Alert, raise_alert
from lpss_pipeline.config import channel, config_values
from lpss_pipeline.contract import BATCH_ID_FORMAT, SYSTEMS
from lpss_pipeline.ingestion.errors import Finding

from .batch_frames import GOOD
from .integrity import VALIDATED_BATCHES, ensure_results_tables


def latest_passed_batch(
    con: duckdb.DuckDBPyConnection, system: str, fresh_within: timedelta | None = None
) -> str | None:
    """The latest batch of ``system`` that passed its checks; with ``fresh_within``, the latest one that
    was loaded within that time of its export (the system was up to date when it came)."""
    ensure_results_tables(con)
    fresh = (
        ""
        if fresh_within is None
        else "AND epoch(loaded_at) - epoch(try_strptime(_batch_id, $format)) <= $seconds"
    )
    params = {"system": system}
    if fresh_within is not None:
        params |= {"format": BATCH_ID_FORMAT, "seconds": fresh_within.total_seconds()}
    return con.execute(
        f"SELECT max(_batch_id) FROM ({VALIDATED_BATCHES}) WHERE {GOOD} {fresh}", params
    ).fetchone()[0]


def latest_export(con: duckdb.DuckDBPyConnection, system: str) -> str | None:
    """The latest export of ``system`` known good: the latest batch that passed its checks, or a later
    re-export recorded ``unchanged`` as a copy of one (an unchanged daily snapshot is on time)."""
    from lpss_pipeline.ingestion.ledger import ensure_unchanged_ledger

    ensure_unchanged_ledger(con)
    passed = latest_passed_batch(con, system)
    [(copy,)] = con.execute(
        "SELECT max(batch_id) FROM ops.unchanged_batches WHERE system = ? AND same_as = ?", [system, passed]
    ).fetchall()
    return max(filter(None, (passed, copy)), default=None)


def _age(age: timedelta) -> str:
    return f"{age.days:,} days" if age >= timedelta(days=2) else f"{age.total_seconds() // 3600:.0f} hours"


def freshness_findings(
    con: duckdb.DuckDBPyConnection, now: datetime, systems: tuple[str, ...] = SYSTEMS
) -> dict[str, Finding]:
    """Systems whose latest batch that passed its checks is older than their cadence: a warning, and
    one missing-data alert per late period.

    A late period ends when a batch arrives within the cadence of its export; the alert's key names
    the last batch that did (``since-first-load`` when none ever did, as after a backfill of old
    exports), so neither the days the data keeps ageing nor further late batches raise it again. The
    batch named is the latest that passed its checks, never one loaded but not yet checked or
    quarantined; call it for a system after that system's checks ran."""
    rules = config_values("data_quality_rules")
    late = {}
    for system in systems:
        latest = latest_export(con, system)
        if latest is None:
            continue
        exported = datetime.strptime(latest, BATCH_ID_FORMAT).replace(tzinfo=UTC)
        limit = timedelta(hours=rules[f"freshness_hours_{system}"])
        age = now - exported
        if age <= limit:
            continue
        late[system] = Finding(
            f"{system}/{latest}/_manifest.json",
            f"the latest {system.upper()} export that passed its checks is from {exported:%Y-%m-%d}, "
            f"{_age(age)} old (batch {latest}; a new export is expected every "
            f"{limit.total_seconds() / 3600:g} h)",
            check="freshness",
            blocking=False,
        )
        since = latest_passed_batch(con, system, fresh_within=limit) or "since-first-load"
        raise_alert(
            con,
            Alert(
                alert_key=f"missing_data:{system}:late:{since}",
                rule_id="missing_data",
                channel=channel("data"),
                message=f"{system.upper()} export is late: {late[system].message}",
                details={"system": system, "latest_batch": latest, "exported_on": f"{exported:%Y-%m-%d}"},
            ),
        )
    return late
