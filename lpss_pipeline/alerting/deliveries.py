"""The transactional outbox ``ops.alert_deliveries``: one row per (alert, recipient).

Planning copies new rows of marts.fct_alert_recipients (with the alert's content, so delivery
never needs the marts) as ``pending``. A dispatcher *claims* rows (``claim_id``, ``claimed_at``,
``attempts + 1``) and commits before it sends; after Slack accepts, it records ``delivered`` with
the channel and ``ts``. A row still claimed when a dispatcher starts means the previous one died
between claiming and recording: it is reconciled against what the sink holds (the message
carries its claim id), never blindly resent. See README "Alerts and reminders".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb

DDL = """
create schema if not exists ops;
create table if not exists ops.alert_deliveries (
    delivery_id varchar primary key,     -- alert_key|recipient_kind|recipient
    alert_key varchar not null,
    rule_id varchar not null,
    severity varchar not null,
    recipient_kind varchar not null,     -- channel | user
    recipient varchar not null,          -- #channel, Slack user id, or e-mail to look up
    recipient_roles varchar,
    note varchar,                        -- who could not be reached, when HR stands in
    content json not null,               -- the alert as planned: title, message, figures, next step
    status varchar not null,             -- pending | delivered | failed
    attempts integer not null default 0,
    last_error varchar,
    next_attempt_at timestamp,           -- a transient failure waits until then
    claim_id varchar,                    -- set (with claimed_at) while a dispatcher sends it
    claimed_at timestamp,
    slack_channel varchar,               -- where it went: channel id, DM id, or outbox file
    slack_ts varchar,
    delivered_via varchar,               -- slack | outbox
    planned_at timestamp not null,
    delivered_at timestamp
);
"""

CONTENT_COLUMNS = (
    "title",
    "message",
    "severity",
    "subject_employee_id",
    "subject_name",
    "period",
    "metric_value",
    "threshold",
    "trend",
    "next_step",
    "due_at",
)


def ensure_outbox(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def plan_from_marts(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Add a pending delivery for every (alert, recipient) in the marts not planned before."""
    ensure_outbox(con)
    content = ", ".join(f"'{c}', a.{c}" for c in CONTENT_COLUMNS)
    before = con.execute("select count(*) from ops.alert_deliveries").fetchone()[0]
    con.execute(
        f"""
        insert into ops.alert_deliveries
            (delivery_id, alert_key, rule_id, severity, recipient_kind, recipient, recipient_roles, note,
             content, status, planned_at)
        select
            r.alert_key || '|' || r.recipient_kind || '|' || r.recipient,
            r.alert_key, a.rule_id, a.severity, r.recipient_kind, r.recipient, r.recipient_roles, r.note,
            json_object({content}), 'pending', ?
        from marts.fct_alert_recipients as r
        inner join marts.fct_alerts as a on a.alert_key = r.alert_key
        on conflict do nothing
        """,
        [now],
    )
    return con.execute("select count(*) from ops.alert_deliveries").fetchone()[0] - before


def add_delivery(
    con: duckdb.DuckDBPyConnection,
    *,
    alert_key: str,
    rule_id: str,
    severity: str,
    recipient_kind: str,
    recipient: str,
    content: dict,
    now: datetime,
    recipient_roles: str | None = None,
    note: str | None = None,
) -> bool:
    """Plan one delivery raised outside the marts (escalations, failure reports); False if known."""
    ensure_outbox(con)
    inserted = con.execute(
        """
        insert into ops.alert_deliveries
            (delivery_id, alert_key, rule_id, severity, recipient_kind, recipient, recipient_roles, note,
             content, status, planned_at)
        values (? || '|' || ? || '|' || ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
        on conflict do nothing
        returning delivery_id
        """,
        [
            alert_key,
            recipient_kind,
            recipient,
            alert_key,
            rule_id,
            severity,
            recipient_kind,
            recipient,
            recipient_roles,
            note,
            json.dumps(content, default=str),
            now,
        ],
    ).fetchall()
    return bool(inserted)


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    alert_key: str
    rule_id: str
    recipient_kind: str
    recipient: str
    note: str | None
    content: dict
    attempts: int


def _deliveries(rows: list[tuple]) -> list[Delivery]:
    return [
        Delivery(
            delivery_id=r[0],
            alert_key=r[1],
            rule_id=r[2],
            recipient_kind=r[3],
            recipient=r[4],
            note=r[5],
            content=json.loads(r[6]) if isinstance(r[6], str) else r[6],
            attempts=r[7],
        )
        for r in rows
    ]


SELECT = "select delivery_id, alert_key, rule_id, recipient_kind, recipient, note, content, attempts"


def due(con: duckdb.DuckDBPyConnection, now: datetime) -> list[Delivery]:
    """Pending, unclaimed deliveries whose next attempt is due, oldest first."""
    rows = con.execute(
        f"""{SELECT} from ops.alert_deliveries
        where status = 'pending' and claim_id is null and (next_attempt_at is null or next_attempt_at <= ?)
        order by recipient_kind, recipient, planned_at, alert_key""",
        [now],
    ).fetchall()
    return _deliveries(rows)


def claim(con: duckdb.DuckDBPyConnection, units: dict[str, list[str]], now: datetime) -> None:
    """Mark deliveries as being sent, ``{claim id: delivery ids}`` in one statement (committed before
    anything leaves the process). One statement per chunk, not per message: each update scans the
    table, which made a first run's 9,000 messages cost 40 s."""
    pairs = [(claim_id, delivery_id) for claim_id, ids in units.items() for delivery_id in ids]
    con.execute(
        """update ops.alert_deliveries as d
        set claim_id = c.claim_id, claimed_at = ?, attempts = attempts + 1
        from (select unnest(?) as claim_id, unnest(?) as delivery_id) as c
        where d.delivery_id = c.delivery_id and d.status = 'pending' and d.claim_id is null""",
        [now, [p[0] for p in pairs], [p[1] for p in pairs]],
    )


@dataclass(frozen=True)
class Claim:
    """Deliveries a dispatcher claimed but never recorded (it died in between)."""

    claim_id: str
    channel: str | None  # recorded before posting; None when it died before resolving the target
    claimed_at: datetime
    deliveries: int


def open_claims(con: duckdb.DuckDBPyConnection) -> list[Claim]:
    rows = con.execute(
        """select claim_id, any_value(slack_channel), min(claimed_at), count(*) from ops.alert_deliveries
        where status = 'pending' and claim_id is not null group by claim_id order by claim_id"""
    ).fetchall()
    return [Claim(*row) for row in rows]


def set_targets(con: duckdb.DuckDBPyConnection, targets: dict[str, str]) -> None:
    """Where claimed messages are going (``{claim id: channel}``), recorded before sending so a
    reconcile knows where to look."""
    con.execute(
        """update ops.alert_deliveries as d set slack_channel = t.channel
        from (select unnest(?) as claim_id, unnest(?) as channel) as t
        where d.claim_id = t.claim_id""",
        [list(targets), list(targets.values())],
    )


def record_delivered(
    con: duckdb.DuckDBPyConnection, sent: dict[str, tuple[str, str]], via: str, now: datetime
) -> None:
    """Claims whose messages were posted: ``{claim id: (channel, ts)}``."""
    con.execute(
        """update ops.alert_deliveries as d
        set status = 'delivered', slack_channel = s.channel, slack_ts = s.ts, delivered_via = ?,
            delivered_at = ?, last_error = null
        from (select unnest(?) as claim_id, unnest(?) as channel, unnest(?) as ts) as s
        where d.claim_id = s.claim_id and d.status = 'pending'""",
        [via, now, list(sent), [v[0] for v in sent.values()], [v[1] for v in sent.values()]],
    )


def release(
    con: duckdb.DuckDBPyConnection, claim_id: str, error: str | None, retry_at: datetime | None
) -> None:
    """Back to pending (a transient failure, or a claim whose message never left)."""
    con.execute(
        """update ops.alert_deliveries
        set claim_id = null, claimed_at = null, last_error = coalesce(?, last_error), next_attempt_at = ?
        where claim_id = ? and status = 'pending'""",
        [error, retry_at, claim_id],
    )


def release_unsent(con: duckdb.DuckDBPyConnection, claim_ids: list[str], tried: list[bool]) -> None:
    """Back to pending and due at once, one statement for many claims whose message never left
    (the sink unreachable); a claim the sink was never even asked about gets its attempt back."""
    if not claim_ids:
        return
    con.execute(
        """update ops.alert_deliveries as d
        set claim_id = null, claimed_at = null, next_attempt_at = null,
            attempts = d.attempts - (case when c.tried then 0 else 1 end)
        from (select unnest(?) as claim_id, unnest(?) as tried) as c
        where d.claim_id = c.claim_id and d.status = 'pending'""",
        [claim_ids, tried],
    )


def record_failed(con: duckdb.DuckDBPyConnection, claim_id: str, error: str) -> None:
    con.execute(
        """update ops.alert_deliveries set status = 'failed', last_error = ?
        where claim_id = ? and status = 'pending'""",
        [error, claim_id],
    )


def pending_summary(con: duckdb.DuckDBPyConnection) -> tuple[int, datetime | None]:
    """How many deliveries are pending and when the earliest may be attempted (None: now)."""
    count, earliest, any_now = con.execute(
        """select count(*), min(next_attempt_at), bool_or(next_attempt_at is null)
        from ops.alert_deliveries where status = 'pending'"""
    ).fetchone()
    return count, None if any_now else earliest


def planned_for(con: duckdb.DuckDBPyConnection, recipient: str) -> list[dict]:
    """Every delivery planned for one recipient (a channel, a user id or e-mail), oldest first."""
    rows = con.execute(
        """select alert_key, rule_id, status, content ->> 'message' from ops.alert_deliveries
        where recipient = ? order by planned_at, alert_key""",
        [recipient],
    ).fetchall()
    return [dict(zip(("alert_key", "rule_id", "status", "message"), row, strict=True)) for row in rows]
