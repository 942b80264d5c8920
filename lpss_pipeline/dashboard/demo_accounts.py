"""One demo account per role, picked from the published marts so each shows its role's scope.

The people are chosen by their grants, not by the account: the executive is an active level-4
person, the HR admin one listed in access_roles, the manager has the most direct reports with
scorecards, the mentor has active mentees and the smallest team of its own (none, where a lead
without reports mentors), the leader has the fewest people in scope (no reports and no mentees
where the organisation has such a leader), then the most complete scorecards. A missing account
is created with a random password; an existing one keeps the password ``LPSS_HOME/demo_users.json``
(owner-only) records for it, so running the demo again changes no password (its person follows
the pick). An account whose password is no longer the recorded one (reset with `lpss users add`)
is left as it is, listed without a password.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from argon2.exceptions import InvalidHashError, VerificationError

from lpss_pipeline.dashboard import accounts, store
from lpss_pipeline.dashboard.marts import reading

ROLE_PICKS = {
    "executive": """
        select distinct viewer_employee_id from marts.dim_access_grants
        where basis = 'executive' order by 1 limit 1
    """,
    "hr_admin": """
        select distinct viewer_employee_id from marts.dim_access_grants
        where basis = 'hr_admin' order by 1 limit 1
    """,
    "manager": """
        select r.manager_id
        from marts.fct_leader_scorecards as s
        inner join marts.dim_leaders as r on r.employee_id = s.employee_id and r.is_active
        where s.month = (select max(month) from marts.fct_leader_scorecards where not is_provisional)
            and r.manager_id not in (select viewer_employee_id from marts.dim_access_grants
                where basis in ('executive', 'hr_admin'))
        group by r.manager_id
        order by count(*) desc, r.manager_id
        limit 1
    """,
    "mentor": """
        select g.viewer_employee_id
        from marts.dim_access_grants as g
        left join marts.dim_access_grants as team
            on team.viewer_employee_id = g.viewer_employee_id and team.basis = 'direct_manager'
        where g.basis = 'mentor' and not list_contains($taken, g.viewer_employee_id)
            and g.viewer_employee_id not in (select viewer_employee_id from marts.dim_access_grants
                where basis in ('executive', 'hr_admin'))
        group by g.viewer_employee_id
        order by count(distinct team.subject_employee_id), count(distinct g.subject_employee_id) desc,
            g.viewer_employee_id
        limit 1
    """,
    "leader": """
        select s.employee_id
        from marts.fct_leader_scorecards as s
        inner join marts.dim_leaders as l on l.employee_id = s.employee_id and l.is_active
        left join marts.dim_access_grants as g on g.viewer_employee_id = s.employee_id and g.scope <> 'self'
        where not list_contains($taken, s.employee_id)
        group by s.employee_id
        order by count(distinct g.subject_employee_id),
            count(distinct s.month) filter (where s.is_complete) desc,
            count(distinct s.month) desc, s.employee_id
        limit 1
    """,
}


def recorded_passwords(target: Path) -> dict[str, str]:
    """The passwords the previous demo wrote to ``target``, by username."""
    try:
        users = json.loads(target.read_text())
        return {u["username"]: u["password"] for u in users if isinstance(u.get("password"), str)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _opens(password_hash: str, password: str | None) -> bool:
    if password is None:
        return False
    try:
        return accounts.HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_demo_accounts(published: Path, store_path: Path, target: Path) -> list[dict[str, str | None]]:
    """The account ``<role>`` for each role: created when missing, else kept with the password
    ``target`` records for it (its employee set to the pick); the list is written to ``target`` and
    returned (``password`` None for an account whose password was changed since)."""
    recorded = recorded_passwords(target)
    users = []
    with reading(published) as marts:
        picks: dict[str, str | None] = {}
        for role, sql in ROLE_PICKS.items():  # five queries; later roles avoid the people already taken
            taken = [p for p in picks.values() if p]
            picks[role] = marts.value(sql, taken=taken) if "$taken" in sql else marts.value(sql)
    with store.connect(store_path) as con:
        for role, employee_id in picks.items():
            if employee_id is None:
                continue
            row = con.execute(
                "select employee_id, password_hash from users where username = ?", [role]
            ).fetchone()
            password = recorded.get(role)
            if row is None:
                password = secrets.token_urlsafe(12)
                accounts.set_account(con, role, employee_id, password)
            elif not _opens(row["password_hash"], password):
                password = None  # someone set its password: neither it nor its person is touched
                employee_id = row["employee_id"]
            elif row["employee_id"] != employee_id:
                accounts.set_account(con, role, employee_id, password)
            users.append({"username": role, "password": password, "role": role, "employee_id": employee_id})
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(users, handle, indent=2)
    return users
