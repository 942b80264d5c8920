"""User input to the dashboard's API and pages is validated: bad input answers 4xx, never a 500.

A light fixture, no pipeline run: two people in hand-written published marts (a competency heatmap
and a bench), the default configuration, one HR executive account.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from fastapi.testclient import TestClient

from lpss_pipeline.dashboard import accounts, store
from lpss_pipeline.dashboard.app import create_app
from tests.homes import settings_for, use

PASSWORD = "a long test password"
MONTH = date(2026, 5, 1)

TABLES = {
    "dim_leaders": (
        "employee_id varchar, full_name varchar, email varchar, job_title varchar, leadership_level bigint, "
        "level_name varchar, department_id varchar, department_name varchar, region varchar, "
        "manager_id varchar, is_active boolean",
        [
            ("E1", "Ada Exec", "e1@example.com", "CEO", 4, "L4", "D1", "Sales", "EMEA", None, True),
            ("E2", "Ben Lead", "e2@example.com", "Lead", 1, "L1", "D1", "Sales", "EMEA", "E1", True),
        ],
    ),
    "dim_access_grants": (
        "viewer_employee_id varchar, subject_employee_id varchar, scope varchar, basis varchar, "
        "can_view_scorecard boolean, can_view_development boolean, "
        "can_view_succession_and_predictions boolean, can_administer boolean",
        [
            ("E1", "E1", "self", "self", True, True, False, True),
            ("E1", "E2", "full", "executive", True, True, True, True),
        ],
    ),
    "fct_competency_heatmap": (
        "employee_id varchar, month date, competency_id varchar, competency_name varchar, "
        "competency_kind varchar, rating double",
        [("E2", MONTH, "C1", "Coaching", "core", 3.5)],
    ),
    "fct_leadership_bench": (
        "month date, target_level bigint, employee_id varchar, bench_rank bigint, readiness_pct double, "
        "composite_score double, competency_avg double, expectations_met_pct double, "
        "idp_on_schedule_pct double, promotion_probability double, months_to_ready bigint, band varchar, "
        "leadership_level bigint",
        [(MONTH, 2, "E2", 1, 90.0, 80.0, 3.5, None, None, None, None, "ready_now", 1)],
    ),
}


@pytest.fixture(scope="module")
def exec_client(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    settings = use(mp, settings_for(tmp_path_factory.mktemp("dashboard_input"))).ensure()
    mp.delenv("LPSS_CONFIG_DIR", raising=False)
    mp.delenv("LPSS_SSO_HEADER", raising=False)
    settings.published_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.published_path)) as con:
        con.execute("create schema marts")
        for table, (columns, values) in TABLES.items():
            con.execute(f"create table marts.{table} ({columns})")
            con.executemany(f"insert into marts.{table} values ({', '.join('?' * len(values[0]))})", values)
    with store.connect(settings.dashboard_store_path) as con:
        accounts.set_account(con, "exec", "E1", PASSWORD)
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    response = client.post("/login", data={"username": "exec", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303, response.text
    yield client
    mp.undo()


def rejected(response, parameter: str) -> None:
    """A 422 naming the parameter, with no traceback."""
    assert response.status_code == 422, response.text
    assert parameter in response.text and "Traceback" not in response.text


def test_the_heatmap_offset_is_bounded(exec_client):
    assert exec_client.get("/api/v1/heatmap", params={"offset": 0}).json()["people"] == [
        {"employee_id": "E2", "full_name": "Ben Lead"}
    ]
    assert exec_client.get("/api/v1/heatmap", params={"offset": 1_000_000}).json()["people"] == []
    for offset in ("99999999999999999999", "1000001", "-1", "1e3"):
        rejected(exec_client.get("/api/v1/heatmap", params={"offset": offset}), "offset")
    # the page's page number, times 40 people, was the same overflow
    for page in ("99999999999999999999", "25002", "0"):
        response = exec_client.get("/heatmap", params={"page": page})
        rejected(response, "page")
        assert response.headers["content-type"].startswith("text/html")  # a page answers with a page
    assert exec_client.get("/heatmap", params={"page": 2}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/adoption", {"month": "2026-13"}, "month"),  # was a 500 (month must be in 1..12)
        ("/api/v1/adoption", {"month": "0000-01"}, "month"),
        ("/adoption", {"month": "2026-00"}, "month"),
        ("/api/v1/scorecards/E2", {"month": "garbage"}, "month"),
        ("/api/v1/heatmap", {"month": "2026-05"}, "month"),
        ("/heatmap", {"month": "2026-05-01' or 1=1"}, "month"),
        ("/api/v1/bench", {"target_level": "99999999999999999999"}, "target_level"),
        ("/api/v1/bench", {"target_level": "-1"}, "target_level"),
        ("/bench", {"level": "100"}, "level"),
        ("/api/v1/heatmap", {"department_id": "D" * 129}, "department_id"),
        (f"/api/v1/scorecards/{'E' * 129}", {}, "employee_id"),
        (f"/teams/{'E' * 129}", {}, "manager_id"),
    ],
)
def test_bad_parameters_answer_422_not_500(exec_client, url, params, parameter):
    rejected(exec_client.get(url, params=params), parameter)


def test_parameters_in_bounds_still_answer(exec_client):
    assert (
        exec_client.get("/api/v1/bench", params={"target_level": 2}).json()["candidates"][0]["employee_id"]
        == "E2"
    )
    assert exec_client.get("/api/v1/bench", params={"target_level": 99}).json()["candidates"] == []
    heat = exec_client.get("/api/v1/heatmap", params={"month": "2026-05-01", "department_id": "D1"}).json()
    assert heat["month"] == "2026-05-01" and len(heat["cells"]) == 1
    assert exec_client.get("/api/v1/heatmap", params={"month": "2025-01-01"}).json()["month"] == "2026-05-01"
    assert exec_client.get("/heatmap", params={"month": "2026-05-01", "department": ""}).status_code == 200
    assert exec_client.get("/api/v1/departments/unknown").status_code == 404
