"""The dashboard's own state: accounts, sessions, login throttling, sign-offs and the page-view log.

It is transactional, written a row at a time by the web server while `lpss users add` and the
pipeline's sign-off reminder read or write it from other processes. DuckDB locks a file for one
process at a time, so this state lives in SQLite (WAL mode: readers never block the writer), in
``LPSS_HOME/dashboard/ops.sqlite``; its tables are the dashboard's ``ops`` tables. The marts stay
in DuckDB and are only ever read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DDL = """
create table if not exists users (
    username text primary key,
    employee_id text not null,
    password_hash text not null,
    created_at text not null,
    disabled integer not null default 0
);
create table if not exists sessions (
    session_id text primary key,          -- random; the cookie carries it signed
    username text not null references users (username),
    csrf_token text not null,             -- required on every state-changing form
    created_at text not null,
    expires_at text not null,
    revoked_at text
);
create table if not exists login_throttle (
    kind text not null,                   -- account (the username typed) | address (the client's)
    key text not null,
    failures integer not null,            -- consecutive failed logins; a success deletes the row
    last_failure_at text not null,
    blocked_until text not null,          -- no password is checked before this time
    locked_at text,                       -- accounts only: set at login_lockout_failures, lifted by
                                          -- `lpss users unlock`
    primary key (kind, key)
);
create table if not exists login_attempts (
    attempted_at text not null,
    username text not null,               -- as typed (never the password)
    client_address text not null,
    outcome text not null                 -- success | failure | throttled | locked
);
create index if not exists login_attempts_time on login_attempts (attempted_at);
create table if not exists scorecard_signoffs (
    manager_employee_id text not null,
    month text not null,                  -- first day of the signed-off scorecard month
    signed_by text not null,              -- the account that signed
    signed_at text not null,
    reports_signed integer not null,      -- direct reports' scorecards the sign-off covered
    primary key (manager_employee_id, month)
);
create table if not exists page_views (
    viewed_at text not null,
    username text not null,
    employee_id text not null,
    role text not null,                   -- the viewer's primary role when viewing
    page text not null,                   -- route name: scorecard, team, development, ...
    subject text,                         -- the employee, department or level viewed
    via text not null                     -- page | api
);
create index if not exists page_views_month on page_views (viewed_at);
"""


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """One short transaction: committed on success, rolled back on error, always closed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    try:
        con.row_factory = sqlite3.Row
        con.execute("pragma journal_mode = wal")
        con.execute("pragma foreign_keys = on")
        con.executescript(DDL)
        with con:
            yield con
    finally:
        con.close()
