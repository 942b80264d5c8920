"""Login throttling: growing waits after repeated failures, and a lock only an HR admin lifts.

Failures are counted per username (as typed, whether or not such an account exists, so the answers
tell nothing about which names exist) and per client address. After ``login_failures_before_delay``
consecutive failures on either, the next attempt must wait 1 second, then 2, 4, ... up to
``login_max_delay_seconds``; an attempt that comes too early is answered 429 with ``Retry-After``
and its password is never checked. At ``login_lockout_failures`` the username is locked until
``lpss users unlock``. A success deletes the username's and the address's counts.

Every admitted attempt is counted as a failure *before* its password is checked (and the count
deleted again when it matches), in one ``begin immediate`` transaction with the check, so parallel
requests cannot all slip through the same window. The state is in ``ops.sqlite``: a restart keeps
it. Every attempt is recorded in ``login_attempts`` (username, address, outcome; never a password).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lpss_pipeline.config import config_values

ACCOUNT, ADDRESS = "account", "address"
MAX_NAME = 128  # a username is at most 64 characters; anything longer is kept cut


def now() -> datetime:
    """The clock (tests replace it)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Limits:
    failures_before_delay: int
    lockout_failures: int
    max_delay_seconds: int

    @classmethod
    def configured(cls) -> Limits:
        values = config_values("lpss_parameters", key="parameter")
        return cls(
            failures_before_delay=int(values["login_failures_before_delay"]),
            lockout_failures=int(values["login_lockout_failures"]),
            max_delay_seconds=int(values["login_max_delay_seconds"]),
        )

    def delay(self, failures: int) -> float:
        """Seconds the next attempt waits after ``failures`` consecutive failures."""
        if failures < self.failures_before_delay:
            return 0.0
        return float(min(self.max_delay_seconds, 2 ** min(failures - self.failures_before_delay, 30)))


@dataclass(frozen=True)
class Refusal:
    """An attempt turned away unchecked: the account is locked, or it came before ``retry_after`` s."""

    locked: bool
    retry_after: int

    @property
    def outcome(self) -> str:
        return "locked" if self.locked else "throttled"


def _row(con: sqlite3.Connection, kind: str, key: str) -> sqlite3.Row | None:
    return con.execute(
        "select failures, blocked_until, locked_at from login_throttle where kind = ? and key = ?",
        [kind, key],
    ).fetchone()


def admit(
    con: sqlite3.Connection, username: str, address: str, limits: Limits, at: datetime
) -> Refusal | None:
    """None when the attempt may check its password (then counted as a failure until it succeeds)."""
    con.execute("begin immediate")
    account, client = _row(con, ACCOUNT, username[:MAX_NAME]), _row(con, ADDRESS, address)
    if account is not None and account["locked_at"] is not None:
        return Refusal(locked=True, retry_after=0)
    until = max((datetime.fromisoformat(r["blocked_until"]) for r in (account, client) if r), default=at)
    if until > at:
        return Refusal(locked=False, retry_after=max(1, math.ceil((until - at).total_seconds())))
    for kind, key, row in ((ACCOUNT, username[:MAX_NAME], account), (ADDRESS, address, client)):
        failures = (row["failures"] if row else 0) + 1
        locked = kind == ACCOUNT and failures >= limits.lockout_failures
        con.execute(
            """
            insert into login_throttle (kind, key, failures, last_failure_at, blocked_until, locked_at)
            values (?, ?, ?, ?, ?, ?)
            on conflict (kind, key) do update set
                failures = excluded.failures, last_failure_at = excluded.last_failure_at,
                blocked_until = excluded.blocked_until, locked_at = excluded.locked_at
            """,
            [
                kind,
                key,
                failures,
                at.isoformat(),
                (at + timedelta(seconds=limits.delay(failures))).isoformat(),
                at.isoformat() if locked else None,
            ],
        )
    return None


def succeeded(con: sqlite3.Connection, username: str, address: str) -> None:
    """A matching password: forget the username's and the address's failures."""
    con.execute(
        "delete from login_throttle where (kind = ? and key = ?) or (kind = ? and key = ?)",
        [ACCOUNT, username[:MAX_NAME], ADDRESS, address],
    )


def record(con: sqlite3.Connection, username: str, address: str, outcome: str, at: datetime) -> None:
    con.execute(
        "insert into login_attempts (attempted_at, username, client_address, outcome) values (?, ?, ?, ?)",
        [at.isoformat(), username[:MAX_NAME], address, outcome],
    )


def unlock(con: sqlite3.Connection, username: str) -> int:
    """Lift the username's lock and forget its failures; the failures forgotten (0: none)."""
    row = _row(con, ACCOUNT, username)
    con.execute("delete from login_throttle where kind = ? and key = ?", [ACCOUNT, username])
    return row["failures"] if row else 0


def locked_usernames(con: sqlite3.Connection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select key from login_throttle where kind = ? and locked_at is not null", [ACCOUNT]
        )
    }
