"""The authorisation matrix: every endpoint, each demo role, against subjects in and out of its scope.

Expected scopes come from the HRIS facts (reporting lines, active mentoring pairs, the access_roles
seed), not from dim_access_grants, which is what is under test (SPEC section 9, issue 7).
"""

from __future__ import annotations

import pytest

from lpss_pipeline.config import config_rows
from tests.dashboard_org import MISSING, ROLES, org_wide_people


@pytest.fixture(scope="module")
def facts(org):
    people = {
        e: {"manager": m, "active": a, "department": d}
        for e, m, a, d in org.published(
            "select employee_id, manager_id, is_active, department_id from marts.dim_leaders"
        )
    }
    mentees: dict[str, set[str]] = {}
    for mentor, mentee in org.published(
        "select p.mentor_employee_id, p.mentee_employee_id from marts.fct_mentorship_pairs as p "
        "inner join marts.dim_leaders as l on l.employee_id = p.mentee_employee_id and l.is_active "
        "where p.is_active"
    ):
        mentees.setdefault(mentor, set()).add(mentee)
    scored = {e for (e,) in org.published("select distinct employee_id from marts.fct_leader_scorecards")}
    predicted = {
        e for (e,) in org.published("select distinct employee_id from marts.fct_promotion_readiness")
    }
    return {
        "people": people,
        "mentees": mentees,
        "org_wide": org_wide_people(org),
        "scored": scored,
        "predicted": predicted,
    }


def may_see_scorecard(facts, viewer: str, subject: str) -> bool:
    people = facts["people"]
    if subject not in people or not people[viewer]["active"]:
        return False
    if viewer in facts["org_wide"] or subject == viewer:
        return True
    return people[subject]["manager"] == viewer and people[subject]["active"]


def may_see_development(facts, viewer: str, subject: str) -> bool:
    return may_see_scorecard(facts, viewer, subject) or subject in facts["mentees"].get(viewer, set())


def probes(facts, viewer: str) -> dict[str, str]:
    """Subjects around the viewer: self, a report, a skip-level, a mentee, a stranger, a leaver, nobody."""
    people = facts["people"]
    reports = sorted(e for e, p in people.items() if p["manager"] == viewer and p["active"] and e != viewer)
    skip = sorted(e for e, p in people.items() if p["manager"] in reports and p["active"])
    mentees = sorted(facts["mentees"].get(viewer, set()) - set(reports))
    related = {viewer, *reports, *skip, *mentees}
    strangers = sorted(
        e for e, p in people.items() if p["active"] and e not in related and e in facts["scored"]
    )
    leavers = sorted(e for e, p in people.items() if not p["active"])
    found = {
        "self": viewer,
        "report": next((r for r in reports if r in facts["scored"]), reports[0] if reports else None),
        "skip_level": skip[0] if skip else None,
        "mentee": mentees[0] if mentees else None,
        "stranger": strangers[0] if strangers else None,
        "leaver": leavers[0] if leavers else None,
        "missing": MISSING,
    }
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("role", ROLES)
def test_scorecards_and_development_follow_the_reporting_line_and_mentoring(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    seen = probes(facts, viewer)
    assert {"self", "missing"} < set(seen)
    for kind, subject in seen.items():
        scorecard = may_see_scorecard(facts, viewer, subject)
        development = may_see_development(facts, viewer, subject)
        for path, allowed in (
            (f"/api/v1/scorecards/{subject}", scorecard),
            (f"/scorecards/{subject}", scorecard),
            (f"/api/v1/development/{subject}", development),
            (f"/development/{subject}", development),
        ):
            response = client.get(path)
            assert response.status_code == (200 if allowed else 404), (role, kind, path)


@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_and_nonexistent_answer_alike(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    stranger = probes(facts, viewer).get("stranger")
    if viewer in facts["org_wide"] or stranger is None:
        return  # executives and HR admins have no stranger
    for prefix in ("/api/v1/scorecards/", "/api/v1/development/", "/scorecards/", "/development/"):
        out_of_scope, missing = client.get(prefix + stranger), client.get(prefix + MISSING)
        assert (out_of_scope.status_code, out_of_scope.text) == (missing.status_code, missing.text)


def test_mentors_read_development_but_never_performance_scores(org, facts, clients):
    mentor = org.users["mentor"]["employee_id"]
    mentees = sorted(
        facts["mentees"][mentor] - {e for e, p in facts["people"].items() if p["manager"] == mentor}
    )
    assert mentees, "the demo mentor has mentees outside its own team"
    client = clients["mentor"]
    listed = {m["employee_id"] for m in client.get("/api/v1/mentees").json()}
    assert listed == facts["mentees"][mentor]
    body = client.get(f"/api/v1/development/{mentees[0]}").json()
    assert body["person"]["employee_id"] == mentees[0] and body["competencies"]
    text = client.get(f"/development/{mentees[0]}").text
    for score in ("composite", "readiness_pct", "promotion"):
        assert score not in str(body).lower(), score
    assert "Composite" not in text
    assert client.get(f"/api/v1/scorecards/{mentees[0]}").status_code == 404


def test_the_demo_mentor_and_leader_manage_no_one(org, facts, clients):
    """Each shows its role alone: a mentor without a team of its own, a leader without reports or mentees."""
    people = facts["people"]
    for role in ("mentor", "leader"):
        viewer = org.users[role]["employee_id"]
        assert not any(p["manager"] == viewer and p["active"] for p in people.values()), role
        assert clients[role].get(f"/api/v1/teams/{viewer}").status_code == 404
    assert facts["mentees"].get(org.users["mentor"]["employee_id"])
    assert not facts["mentees"].get(org.users["leader"]["employee_id"])


@pytest.mark.parametrize("role", ROLES)
def test_predictions_are_for_executives_and_hr_and_never_about_oneself(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    own = client.get(f"/api/v1/scorecards/{viewer}").json()
    assert own["prediction"] is None
    # a report with a prediction, else (org-wide viewers) anyone else with one
    predicted = sorted(facts["predicted"] - {viewer})
    people = facts["people"]
    report = next((e for e in predicted if people[e]["manager"] == viewer and people[e]["active"]), None)
    subject = report or (predicted[0] if viewer in facts["org_wide"] else None)
    if subject:
        prediction = client.get(f"/api/v1/scorecards/{subject}").json()["prediction"]
        assert (prediction is not None) == (viewer in facts["org_wide"]), role
    bench = client.get("/api/v1/bench").json()
    candidates = {c["employee_id"] for c in bench["candidates"]}
    if viewer in facts["org_wide"]:
        assert candidates and viewer not in candidates
    else:
        assert bench["levels"] == [] and not candidates


@pytest.mark.parametrize("role", ROLES)
def test_team_views_list_exactly_the_direct_reports(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    people = facts["people"]
    reports = {e for e, p in people.items() if p["manager"] == viewer and p["active"] and e != viewer}
    response = client.get(f"/api/v1/teams/{viewer}")
    if not reports:
        assert response.status_code == 404
        return
    assert {m["employee_id"] for m in response.json()["members"]} == reports
    other = next(m for m in sorted({p["manager"] for p in people.values() if p["manager"]}) if m != viewer)
    expected = 200 if viewer in facts["org_wide"] else 404
    assert client.get(f"/api/v1/teams/{other}").status_code == expected
    assert client.get(f"/teams/{other}").status_code == expected


def test_no_aggregate_over_fewer_than_three_people(org, facts, clients):
    teams: dict[str, int] = {}
    for e, p in facts["people"].items():
        if p["active"] and p["manager"] and e in facts["scored"]:
            teams[p["manager"]] = teams.get(p["manager"], 0) + 1
    small = sorted(m for m, n in teams.items() if n < 3)
    large = sorted(m for m, n in teams.items() if n >= 5)
    assert small and large
    client = clients["executive"]
    small_team = client.get(f"/api/v1/teams/{small[0]}").json()
    assert small_team["aggregate"] is None and small_team["team_mean"] == []
    assert "3 or more complete scorecards only" in client.get(f"/teams/{small[0]}").text
    assert client.get(f"/api/v1/teams/{large[0]}").json()["aggregate"]["leaders"] >= 3
    for department in client.get("/api/v1/departments").json():
        for tile in client.get(f"/api/v1/departments/{department['department_id']}").json()["kpis"]:
            if tile["status"] == "ok":
                assert (tile["value"] is None) == (tile["population"] < 3), tile
            else:  # not_tracked, insufficient_data: never a number
                assert tile["value"] is None and tile["meets_target"] is None, tile


@pytest.mark.parametrize("role", ROLES)
def test_department_bench_and_adoption_views_are_for_executives_and_hr(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    people = facts["people"]
    departments = client.get("/api/v1/departments").json()
    org_wide = viewer in facts["org_wide"]
    if org_wide:
        assert {d["department_id"] for d in departments} == {p["department"] for p in people.values()}
    for department in departments:  # visible only when every active member is in scorecard scope
        members = [
            e for e, p in people.items() if p["department"] == department["department_id"] and p["active"]
        ]
        assert all(may_see_scorecard(facts, viewer, m) for m in members)
    busy = max(
        {p["department"] for p in people.values()},
        key=lambda d: sum(p["department"] == d for p in people.values()),
    )
    assert client.get(f"/api/v1/departments/{busy}").status_code == (200 if org_wide else 404)
    assert client.get(f"/departments/{busy}").status_code == (200 if org_wide else 404)
    assert client.get("/api/v1/adoption").status_code == (200 if org_wide else 404)
    assert client.get("/adoption").status_code == (200 if org_wide else 404)


def test_slates_never_show_the_viewer_or_the_viewers_own_position(org, clients):
    for role in ("executive", "hr_admin"):
        viewer, client = org.users[role]["employee_id"], clients[role]
        for department in client.get("/api/v1/departments").json():
            body = client.get(f"/api/v1/departments/{department['department_id']}").json()
            for position in body["positions"]:
                if position["incumbent_employee_id"] == viewer:
                    assert position["slate"] is None
                for candidate in position["slate"] or []:
                    assert candidate["candidate_employee_id"] != viewer


@pytest.mark.parametrize("role", ROLES)
def test_heat_map_and_alerts_list_only_people_in_scope(org, facts, clients, role):
    client, viewer = clients[role], org.users[role]["employee_id"]
    heat = client.get("/api/v1/heatmap", params={"limit": 200}).json()
    assert heat["people"], role  # everyone has at least their own ratings or their mentees'
    assert all(may_see_development(facts, viewer, p["employee_id"]) for p in heat["people"])
    scopes = {r["rule_id"]: r["data_scope"] for r in config_rows("alert_rules")}
    alerts = client.get("/api/v1/alerts", params={"limit": 2000}).json()
    for alert in alerts:
        subject, scope = alert["subject_employee_id"], scopes[alert["rule_id"]]
        if viewer in facts["org_wide"]:
            continue
        assert scope in {"scorecard", "development"} and subject, alert
        check = may_see_scorecard if scope == "scorecard" else may_see_development
        assert check(facts, viewer, subject), alert
    if viewer in facts["org_wide"]:
        assert {a["rule_id"] for a in alerts} >= {"intervention", "missing_data"}
        assert all(a["delivered"] + a["pending"] + a["failed"] == a["recipients"] for a in alerts)


def test_anonymous_requests_get_401_from_the_api_and_the_login_page_otherwise(org):
    client = org.client()
    schema = org.client("executive").get("/api/v1/openapi.json").json()
    assert {"/api/v1/scorecards/{employee_id}", "/api/v1/development/{employee_id}"} <= set(schema["paths"])
    for path in schema["paths"]:
        concrete = path.replace("{employee_id}", "E0000001").replace("{manager_id}", "E0000001")
        concrete = concrete.replace("{department_id}", "D0001")
        assert client.get(concrete).status_code == 401, path
    assert client.get("/api/v1/openapi.json").status_code == 401
    for page in (
        "/",
        "/team",
        "/scorecards/E0000001",
        "/departments",
        "/bench",
        "/heatmap",
        "/alerts",
        "/adoption",
    ):
        response = client.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), page
