"""Login throttling (issue 18): growing waits after repeated failures, a lock `lpss users unlock` lifts.

A light fixture: a home with accounts in ops.sqlite and no marts (logging in reads none), a fake clock
instead of sleeping, and a fresh app per step where a restart must not forget the state.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lpss_pipeline.cli import app as cli
from lpss_pipeline.dashboard import accounts, sessions, store, throttle
from lpss_pipeline.dashboard.app import create_app
from tests.homes import settings_for, use

PASSWORD = "a long test password"
WRONG = "not the password at all"


class Clock:
    def __init__(self):
        self.at = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def home(tmp_path, monkeypatch):
    settings = use(monkeypatch, settings_for(tmp_path)).ensure()
    monkeypatch.delenv("LPSS_CONFIG_DIR", raising=False)
    monkeypatch.delenv("LPSS_SSO_TRUSTED_PROXIES", raising=False)
    with store.connect(settings.dashboard_store_path) as con:
        for username, employee in (("manager", "E2"), ("leader", "E3")):
            accounts.set_account(con, username, employee, PASSWORD)
    return settings


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttle, "now", fake)
    return fake


def login(settings, username: str, password: str, headers: dict | None = None):
    """One attempt from a fresh app (as after a restart): the state must come from ops.sqlite."""
    return TestClient(create_app(settings)).post(
        "/login", data={"username": username, "password": password}, headers=headers, follow_redirects=False
    )


def fail_until_locked(settings, clock, username: str = "manager") -> list[int]:
    """20 wrong passwords, each waiting out the Retry-After of the one before; their statuses."""
    statuses = []
    for _ in range(20):
        response = login(settings, username, WRONG)
        assert response.status_code == 401, response.text
        statuses.append(response.status_code)
        clock.advance(throttle.Limits.configured().max_delay_seconds)
    return statuses


def outcomes(settings, username: str) -> list[str]:
    with store.connect(settings.dashboard_store_path) as con:
        rows = con.execute(
            "select outcome from login_attempts where username = ? order by rowid", [username]
        ).fetchall()
    return [r[0] for r in rows]


def test_the_limits_come_from_the_configuration():
    limits = throttle.Limits.configured()
    assert (limits.failures_before_delay, limits.lockout_failures, limits.max_delay_seconds) == (5, 20, 300)
    assert [limits.delay(n) for n in (1, 4, 5, 6, 7, 13, 14, 40)] == [0, 0, 1, 2, 4, 256, 300, 300]


def test_repeated_failures_are_answered_429_with_growing_retry_after(home, clock):
    for _ in range(5):
        assert login(home, "manager", WRONG).status_code == 401  # no wait before the 5th failure
    waits = []
    for _ in range(4):
        early = login(home, "manager", PASSWORD)  # the right password, too early: not even checked
        assert early.status_code == 429 and sessions.COOKIE_NAME not in early.headers.get("set-cookie", "")
        waits.append(int(early.headers["Retry-After"]))
        assert f"Too many failed attempts; try again in {waits[-1]} seconds" in early.text
        clock.advance(waits[-1])
        assert login(home, "manager", WRONG).status_code == 401
    assert waits == [1, 2, 4, 8]
    clock.advance(3)
    assert int(login(home, "manager", WRONG).headers["Retry-After"]) == 13  # 16 s after the last failure
    assert outcomes(home, "manager") == ["failure"] * 5 + ["throttled", "failure"] * 4 + ["throttled"]


def test_twenty_failures_lock_the_account_until_an_hr_admin_unlocks_it(home, clock):
    assert fail_until_locked(home, clock) == [401] * 20
    clock.advance(24 * 3600)  # a lock does not wear off
    locked = login(home, "manager", PASSWORD)
    assert locked.status_code == 429 and "Retry-After" not in locked.headers
    assert "This account is locked; ask an HR admin" in locked.text
    assert "set-cookie" not in locked.headers
    runner = CliRunner()
    listed = runner.invoke(cli, ["users", "list"])
    assert listed.exit_code == 0 and "yes" in listed.stdout.split("manager", 1)[1].splitlines()[0]
    unlocked = runner.invoke(cli, ["users", "unlock", "manager"])
    assert unlocked.exit_code == 0, unlocked.stdout
    assert unlocked.stdout.strip() == "unlocked manager (20 failed login(s) forgotten)"
    unknown = runner.invoke(cli, ["users", "unlock", "nobody"])
    assert unknown.exit_code == 2 and unknown.stdout.strip() == "no account nobody"
    response = login(home, "manager", PASSWORD)
    assert response.status_code == 303 and response.headers["set-cookie"].startswith(sessions.COOKIE_NAME)
    assert outcomes(home, "manager")[-2:] == ["locked", "success"]


def test_a_success_resets_the_count(home, clock):
    for _ in range(4):
        assert login(home, "manager", WRONG).status_code == 401
    assert login(home, "manager", PASSWORD).status_code == 303
    for _ in range(4):  # four more failures are again below the threshold: no wait
        assert login(home, "manager", WRONG).status_code == 401
    assert login(home, "manager", PASSWORD).status_code == 303
    with store.connect(home.dashboard_store_path) as con:
        assert con.execute("select count(*) from login_throttle").fetchone()[0] == 0


def test_failures_from_one_address_slow_down_every_username_it_tries(home, clock):
    for name in ("alice", "bob", "carol", "dave", "erin"):  # spraying names: no account reaches 5
        assert login(home, name, WRONG).status_code == 401
    sprayed = login(home, "leader", PASSWORD)
    assert sprayed.status_code == 429 and sprayed.headers["Retry-After"] == "1"
    # another client (behind a trusted proxy, which names it in X-Forwarded-For) is not held up
    other = login(home, "leader", PASSWORD, headers={"X-Forwarded-For": "203.0.113.9"})
    assert other.status_code == 429, "testclient is no trusted proxy: its X-Forwarded-For is ignored"


def test_a_trusted_proxy_names_the_client_address(home, clock, monkeypatch):
    monkeypatch.setenv("LPSS_SSO_TRUSTED_PROXIES", "testclient")
    for _ in range(5):
        login(home, f"user{_}", WRONG, headers={"X-Forwarded-For": "198.51.100.7"})
    assert login(home, "leader", PASSWORD, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert login(home, "leader", PASSWORD, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 303
    with store.connect(home.dashboard_store_path) as con:
        addresses = {r[0] for r in con.execute("select client_address from login_attempts")}
    assert addresses == {"198.51.100.7", "203.0.113.9"}


def test_unknown_usernames_are_throttled_and_locked_alike(home, clock):
    """No answer tells an existing account from a made-up name."""
    fail_until_locked(home, clock, "manager")
    fail_until_locked(home, clock, "nobody")
    clock.advance(3600)
    known, unknown = login(home, "manager", WRONG), login(home, "nobody", WRONG)
    assert known.status_code == unknown.status_code == 429 and known.text == unknown.text


def test_attempts_are_logged_without_the_password(home, clock, caplog):
    with caplog.at_level(logging.INFO, logger="lpss.dashboard"):
        login(home, "manager", WRONG)
        login(home, "manager", PASSWORD)
    messages = [r.getMessage() for r in caplog.records]
    assert "login failure for 'manager' from testclient" in messages
    assert "login success for 'manager' from testclient" in messages
    with store.connect(home.dashboard_store_path) as con:
        stored = [tuple(r) for r in con.execute("select * from login_attempts")]
    assert [r[1:] for r in stored] == [
        ("manager", "testclient", "failure"),
        ("manager", "testclient", "success"),
    ]
    assert all(WRONG not in str(r) and PASSWORD not in str(r) for r in stored + messages)
