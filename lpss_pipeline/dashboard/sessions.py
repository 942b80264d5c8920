"""Sessions: a random id kept server-side, carried in a signed, HTTP-only cookie.

The signature (itsdangerous, HMAC with the installation's secret key) makes a tampered cookie
worthless; the server-side row makes logout final (a copied cookie dies with the session) and
holds the CSRF token that every state-changing form must send back.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "lpss_session"
SESSION_HOURS = 8  # a working day; then the person logs in again


def secret_key(home: Path) -> str:
    """``LPSS_SECRET_KEY``, else a random key kept (owner-only) in ``LPSS_HOME/dashboard/secret_key``."""
    configured = os.environ.get("LPSS_SECRET_KEY")
    if configured:
        return configured
    path = home / "dashboard" / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class SessionCodec:
    """Signs session ids into cookie values and checks them back (signature and age)."""

    def __init__(self, key: str):
        self._serializer = URLSafeTimedSerializer(key, salt="lpss-session")
        self._csrf = URLSafeTimedSerializer(key, salt="lpss-csrf")

    def dumps(self, session_id: str) -> str:
        return self._serializer.dumps(session_id)

    def loads(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return self._serializer.loads(cookie, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None

    def dumps_csrf(self, username: str) -> str:
        """A stateless CSRF token for identities without a session row (SSO): signed, expiring."""
        return self._csrf.dumps(username)

    def loads_csrf(self, token: str | None) -> str | None:
        if not token:
            return None
        try:
            return self._csrf.loads(token, max_age=SESSION_HOURS * 3600)
        except BadSignature:
            return None


def open_session(con: sqlite3.Connection, username: str) -> str:
    now = datetime.now(UTC)
    session_id = secrets.token_urlsafe(32)
    con.execute(
        "insert into sessions (session_id, username, csrf_token, created_at, expires_at) "
        "values (?, ?, ?, ?, ?)",
        [
            session_id,
            username,
            secrets.token_urlsafe(32),
            now.isoformat(),
            (now + timedelta(hours=SESSION_HOURS)).isoformat(),
        ],
    )
    return session_id


def live_session(con: sqlite3.Connection, session_id: str) -> sqlite3.Row | None:
    """The session with its account, when neither is revoked, disabled or expired."""
    return con.execute(
        """
        select s.session_id, s.csrf_token, u.username, u.employee_id
        from sessions as s
        inner join users as u on u.username = s.username
        where s.session_id = ? and s.revoked_at is null and s.expires_at > ? and not u.disabled
        """,
        [session_id, datetime.now(UTC).isoformat()],
    ).fetchone()


def close_session(con: sqlite3.Connection, session_id: str) -> None:
    con.execute(
        "update sessions set revoked_at = ? where session_id = ? and revoked_at is null",
        [datetime.now(UTC).isoformat(), session_id],
    )


def csrf_matches(expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(expected, sent)
