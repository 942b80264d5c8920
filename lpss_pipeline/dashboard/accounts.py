"""Local accounts: a username, the employee it belongs to, and an argon2id password hash.

What an account may read is never stored here: it follows from the employee's grants in
marts.dim_access_grants at request time, so a manager who changes teams in the HRIS sees the new
team after the next publish, with no account to edit.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106) default cost
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD = 10
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password")


class AccountError(ValueError):
    """A username or password that cannot be accepted, with the reason."""


def set_account(con: sqlite3.Connection, username: str, employee_id: str, password: str) -> bool:
    """Create the account, or reset its employee and password; True when it is new."""
    if not USERNAME.match(username):
        raise AccountError("usernames are 3-64 letters, digits or . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"passwords have at least {MIN_PASSWORD} characters")
    existed = con.execute("select 1 from users where username = ?", [username]).fetchone()
    con.execute(
        """
        insert into users (username, employee_id, password_hash, created_at) values (?, ?, ?, ?)
        on conflict (username) do update set
            employee_id = excluded.employee_id, password_hash = excluded.password_hash, disabled = 0
        """,
        [username, employee_id, HASHER.hash(password), datetime.now(UTC).isoformat()],
    )
    return existed is None


def remove_account(con: sqlite3.Connection, username: str) -> bool:
    con.execute("delete from sessions where username = ?", [username])
    return con.execute("delete from users where username = ?", [username]).rowcount > 0


def list_accounts(con: sqlite3.Connection) -> list[sqlite3.Row]:
    return con.execute("select username, employee_id, created_at, disabled from users order by 1").fetchall()


def authenticate(con: sqlite3.Connection, username: str, password: str) -> sqlite3.Row | None:
    """The account when the password matches (rehashing an outdated hash), else None."""
    row = con.execute(
        "select username, employee_id, password_hash from users where username = ? and not disabled",
        [username],
    ).fetchone()
    try:
        HASHER.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if HASHER.check_needs_rehash(row["password_hash"]):
        con.execute(
            "update users set password_hash = ? where username = ?", [HASHER.hash(password), username]
        )
    return row
