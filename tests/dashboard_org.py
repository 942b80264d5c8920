"""A small organisation run through the real pipeline, published, with the demo accounts: what the
dashboard tests read. The facts the authorisation tests expect are taken from the HRIS side of the
marts (reporting lines, mentoring pairs, the access_roles configuration), never from dim_access_grants, so
the grants are checked against something independent of them."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from fastapi.testclient import TestClient

from lpss_pipeline.config import config_rows
from lpss_pipeline.dashboard import activity, store
from lpss_pipeline.dashboard.app import create_app
from lpss_pipeline.dashboard.demo_accounts import create_demo_accounts
from lpss_pipeline.runner import run_job
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.access_roles import write_demo_access_roles
from lpss_pipeline.synthetic.generate import generate_history
from tests.homes import settings_for, shared_home, use

MISSING = "E9999999"
ROLES = ("executive", "hr_admin", "manager", "mentor", "leader")


@dataclass
class Org:
    settings: Settings
    users: dict[str, dict]  # role -> username, password, role, employee_id
    signed_manager: str  # signed off before the reminders were planned

    def published(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.settings.published_path), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def client(self, role: str | None = None) -> TestClient:
        client = TestClient(create_app(self.settings))
        if role:
            user = self.users[role]
            response = client.post(
                "/login",
                data={"username": user["username"], "password": user["password"]},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
        return client


def build_org(tmp_path_factory) -> Org:
    """The organisation, built once per test session (the dashboard modules run on different xdist
    workers), copied into a home of the caller's own."""
    shared, signed_manager = shared_home(
        tmp_path_factory, "dashboard_org", lambda home: _build(home).signed_manager
    )
    home = tmp_path_factory.mktemp("dashboard_home")
    shutil.copytree(shared, home, symlinks=True, dirs_exist_ok=True)
    settings = settings_for(home)
    users = {u["role"]: u for u in json.loads(settings.demo_users_path.read_text())}
    return Org(settings, users, signed_manager)


@pytest.fixture(scope="module")
def org(tmp_path_factory) -> Org:
    return build_org(tmp_path_factory)


@pytest.fixture(scope="module")
def clients(org) -> dict[str, TestClient]:
    """A client logged in as each demo role."""
    return {role: org.client(role) for role in ROLES}


def _build(home: Path) -> Org:
    """200 people x 14 months through scorecard_job (no model training) and alert_delivery_job."""
    mp = pytest.MonkeyPatch()
    settings = use(mp, settings_for(home))
    mp.delenv("LPSS_SSO_HEADER", raising=False)
    settings.ensure()
    written = generate_history(
        settings.landing_dir, settings.truth_dir, employees=200, months=14, as_of=date(2026, 6, 15), seed=11
    )
    (hris,) = [p for p in written if p.parent.name == "hris"]
    write_demo_access_roles(hris, settings.config_dir)  # the HR admins, as `lpss demo` names them
    outcome = run_job(settings, "scorecard_job", instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.failures
    users = {
        u["role"]: u
        for u in create_demo_accounts(
            settings.published_path, settings.dashboard_store_path, settings.demo_users_path
        )
    }
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        [(month, signed_manager)] = con.execute(
            """
            select s.month, min(r.manager_id)
            from marts.fct_leader_scorecards as s
            inner join marts.dim_leaders as r on r.employee_id = s.employee_id
            where s.month = (select max(month) from marts.fct_leader_scorecards where not is_provisional)
                and not list_contains(?, r.manager_id)
            group by s.month
            """,
            [[u["employee_id"] for u in users.values()]],
        ).fetchall()
    with store.connect(settings.dashboard_store_path) as con:
        activity.record_signoff(con, signed_manager, month.isoformat(), "another-manager", 3)
    outcome = run_job(settings, "alert_delivery_job", instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.failures
    mp.undo()
    give_every_person_month_a_prediction(settings.published_path)
    assert json.loads(settings.demo_users_path.read_text()) == list(users.values())
    return Org(settings, users, signed_manager)


def give_every_person_month_a_prediction(published: Path) -> None:
    """14 months are too few to train the readiness model (its labels need 12 more), so no prediction
    is published; the tests need some to check who may see them."""
    with duckdb.connect(str(published)) as con:
        con.execute(
            "update marts.fct_promotion_readiness set promotion_probability = 0.5, model_version = 'test'"
        )
        con.execute(
            "update marts.fct_leadership_bench set promotion_probability = 0.5, model_version = 'test'"
        )


def org_wide_people(org: Org) -> set[str]:
    """Executives (active level 4, or named executive) and HR admins, from the HRIS and access_roles."""
    roles = config_rows("access_roles", org.settings.config_dir)
    named = {r["employee_id"] for r in roles if r["role"] in {"hr_admin", "executive"}}
    active = org.published("select employee_id, leadership_level from marts.dim_leaders where is_active")
    return {e for e, level in active if level == 4 or e in named}


def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
