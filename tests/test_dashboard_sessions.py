"""Sessions and the browser: login, tampered cookies, logout, CSRF, secrets kept out of logs, the team
page's chart drawn in headless Chromium, and serving on while the marts are republished.

The browser is Debian's chromium driven by Playwright through ``executable_path`` (no downloaded
browser); `.ci/run` installs it. Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from lpss_pipeline.dashboard import sessions, store
from lpss_pipeline.processes import serving
from lpss_pipeline.publishing import publish_schema
from tests.dashboard_org import artifacts_dir
from tests.servers import free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
LPSS = str(Path(sys.executable).with_name("lpss"))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_passwords_are_stored_as_argon2_hashes(org):
    with store.connect(org.settings.dashboard_store_path) as con:
        rows = con.execute("select username, password_hash from users").fetchall()
    assert len(rows) == 5
    for username, hashed in rows:
        assert hashed.startswith("$argon2id$") and org.users[username]["password"] not in hashed


def test_wrong_password_and_unknown_user_are_refused_alike(org):
    client = org.client()
    wrong = client.post("/login", data={"username": "manager", "password": "not the password"})
    unknown = client.post("/login", data={"username": "nobody", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.text == unknown.text
    assert sessions.COOKIE_NAME not in client.cookies


def test_the_session_cookie_is_signed_http_only_and_same_site(org):
    client = org.client()
    user = org.users["manager"]
    response = client.post(
        "/login", data={"username": user["username"], "password": user["password"]}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert response.headers["location"] == "/"


def test_a_tampered_or_forged_cookie_is_not_a_session(org):
    client = org.client("manager")
    assert client.get("/api/v1/me").status_code == 200
    value = client.cookies[sessions.COOKIE_NAME]
    session_id, rest = value.split(".", 1)
    for forged in (
        value[:-2] + ("AA" if not value.endswith("AA") else "BB"),  # signature changed
        "x" + value,  # payload changed
        sessions.SessionCodec("another installation's key").dumps("made-up-session"),
    ):
        client.cookies.set(sessions.COOKIE_NAME, forged)
        assert client.get("/api/v1/me").status_code == 401, forged
    assert session_id and rest


def test_logout_ends_the_session_for_every_copy_of_the_cookie(org):
    client = org.client("leader")
    stolen = client.cookies[sessions.COOKIE_NAME]
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = org.client()
    replay.cookies.set(sessions.COOKIE_NAME, stolen)
    assert replay.get("/api/v1/me").status_code == 401


def test_state_changing_forms_need_the_sessions_csrf_token(org):
    client = org.client("manager")
    page = client.get("/team").text
    token = csrf_of(page)
    month = re.search(r'name="month" value="([^"]+)"', page).group(1)
    for bad in ({}, {"csrf_token": "guessed"}, {"csrf_token": csrf_of(org.client("leader").get("/").text)}):
        response = client.post("/team/signoff", data={"month": month, **bad}, follow_redirects=False)
        assert response.status_code == 403, bad
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/api/v1/me").status_code == 200, "a refused logout leaves the session alone"
    with store.connect(org.settings.dashboard_store_path) as con:
        assert (
            con.execute("select count(*) from scorecard_signoffs where signed_by = 'manager'").fetchone()[0]
            == 0
        )
    signed = client.post("/team/signoff", data={"month": month, "csrf_token": token}, follow_redirects=False)
    assert signed.status_code == 303
    with store.connect(org.settings.dashboard_store_path) as con:
        row = con.execute(
            "select manager_employee_id, month, signed_by from scorecard_signoffs where signed_by = 'manager'"
        ).fetchone()
    assert tuple(row) == (org.users["manager"]["employee_id"], month, "manager")
    assert "Signed off by manager" in client.get("/team").text


def test_a_login_posted_from_another_site_is_refused(org):
    user = org.users["executive"]
    response = org.client().post(
        "/login",
        data={"username": user["username"], "password": user["password"]},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_after_login_only_local_paths_are_followed(org):
    user = org.users["executive"]
    response = org.client().post(
        "/login",
        data={"username": user["username"], "password": user["password"], "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_every_view_is_logged_and_counted_for_adoption(org):
    manager = org.client("manager")
    manager.get("/team")
    with store.connect(org.settings.dashboard_store_path) as con:
        views = con.execute(
            "select username, role, page, subject, via from page_views "
            "where username = 'manager' and page = 'team'"
        ).fetchall()
    assert ("manager", "manager", "team", org.users["manager"]["employee_id"], "page") in [
        tuple(v) for v in views
    ]
    adoption = org.client("hr_admin").get("/api/v1/adoption").json()
    managers = next(r for r in adoption["roles"] if r["role"] == "manager")
    assert managers["opened"] >= 1 and managers["target_pct"] == 90
    not_opened = {(p["role"], p["employee_id"]) for p in adoption["not_opened"]}
    assert ("manager", org.users["manager"]["employee_id"]) not in not_opened  # may yet be listed as a mentor


@pytest.fixture(scope="module")
def server(org):
    """`lpss serve` in its own process on the organisation's home, its output kept for inspection."""
    port = free_port()
    log = org.settings.home / "serve.log"
    env = {**os.environ, "LPSS_HOME": str(org.settings.home), "PYTHONUNBUFFERED": "1"}
    with serving([LPSS, "serve", "--port", str(port)], env, log=log) as proc:
        wait_for(proc, f"http://127.0.0.1:{port}/healthz", timeout=60)
        yield f"http://127.0.0.1:{port}", log


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


def log_in(browser, base: str, user: dict, path: str = "/team"):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.goto(f"{base}{path}")
    assert "/login" in page.url
    page.fill("input[name=username]", user["username"])
    page.fill("input[name=password]", user["password"])
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page, failed


def test_a_manager_sees_the_team_chart_drawn_in_chromium(org, server, browser):
    base, _ = server
    page, failed = log_in(browser, base, org.users["manager"])
    assert page.url == f"{base}/team", "the login returns to the page asked for"
    page.wait_for_selector("#team-trend[data-rendered=true] .main-svg", timeout=30_000)
    reports = page.locator("table tbody tr").count()
    traces = page.locator("#team-trend .scatterlayer .trace").count()
    assert reports >= 3 and traces >= reports  # one line per direct report (+ the team mean)
    assert page.locator("#team-trend .shapelayer path").count() >= 3, "the score bands are drawn"
    page.screenshot(path=str(artifacts_dir() / "dashboard_manager_team.png"), full_page=True)
    page.goto(f"{base}/scorecards/{org.users['manager']['employee_id']}")
    page.wait_for_selector("#scorecard-trend[data-rendered=true] .main-svg", timeout=30_000)
    page.screenshot(path=str(artifacts_dir() / "dashboard_manager_scorecard.png"), full_page=True)
    assert failed == [], "every script and style came from this server"
    page.close()


def test_an_executive_sees_department_bench_and_heat_map_charts(org, server, browser):
    base, _ = server
    page, failed = log_in(browser, base, org.users["executive"])
    page.goto(f"{base}/departments")
    page.click("table tbody tr:first-child a")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts_dir() / "dashboard_executive_department.png"), full_page=True)
    for path, chart in (("/bench", "bench-chart"), ("/heatmap", "heatmap-chart")):
        page.goto(base + path)
        page.wait_for_selector(f"#{chart}[data-rendered=true] .main-svg", timeout=30_000)
        page.screenshot(path=str(artifacts_dir() / f"dashboard_executive_{chart}.png"), full_page=True)
    assert failed == []
    page.close()


@pytest.mark.parametrize("role", ["executive", "hr_admin", "manager", "mentor", "leader"])
def test_every_page_a_role_reaches_loads_whole_and_reads_the_latest_closed_month(org, server, browser, role):
    """Each link of the role's navigation, in Chromium: no failed request, and no figure labelled with
    the month in progress (the organisation's as-of month, 2026-06, exported on the 15th); a scorecard
    opens on the latest closed month."""
    base, _ = server
    [(closed, in_progress)] = org.published(
        "select max(month) filter (where not is_provisional), max(month) from marts.fct_leader_scorecards"
    )
    assert closed < in_progress
    page, failed = log_in(browser, base, org.users[role], "/")
    links = page.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert links, role
    for link in links:
        page.goto(base + link)
        page.wait_for_load_state("networkidle")
        assert f"({in_progress:%Y-%m}" not in page.inner_text("main"), (role, link)
        if link in ("/organisation", "/alerts"):
            shot = artifacts_dir() / f"dashboard_{role}_{link.strip('/')}.png"
            page.screenshot(path=str(shot), full_page=True)
    page.goto(f"{base}/scorecards/{org.users[role]['employee_id']}")
    assert f"Composite ({closed:%Y-%m-%d})" in page.inner_text("main"), role
    assert failed == [], (role, failed)
    page.close()


def test_serving_goes_on_while_the_marts_are_republished(org, server):
    base, _ = server
    cookie = org.client("executive").cookies[sessions.COOKIE_NAME]
    request = urllib.request.Request(
        f"{base}/api/v1/teams/{org.users['manager']['employee_id']}",
        headers={"Cookie": f"{sessions.COOKIE_NAME}={cookie}"},
    )
    warehouse = org.settings.home / "republish_source.duckdb"
    shutil.copyfile(org.settings.published_path, warehouse)  # a warehouse-shaped copy to republish from
    stop, errors = threading.Event(), []

    def republish():
        while not stop.is_set():
            try:
                publish_schema(warehouse, org.settings.published_path)
            except Exception as exc:  # reported below: the publisher must never fail either
                errors.append(exc)

    worker = threading.Thread(target=republish)
    worker.start()
    try:
        statuses = []
        for _ in range(30):
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
    finally:
        stop.set()
        worker.join()
    assert statuses == [200] * 30 and errors == []


def test_no_secret_reaches_the_server_log(org, server, browser):
    base, log = server
    user = org.users["hr_admin"]
    page, _ = log_in(browser, base, user)
    page.goto(f"{base}/adoption")
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == sessions.COOKIE_NAME)
    page.close()
    text = log.read_text()
    assert "POST /login" in text, "the log is the server's access log"
    key = sessions.secret_key(org.settings.home)
    for secret in (user["password"], cookie, key):
        assert secret not in text


def test_a_trusted_sso_header_names_the_user_and_an_untrusted_one_is_ignored(org, monkeypatch):
    [(email,)] = org.published(
        "select email from marts.dim_leaders where employee_id = ?", [org.users["manager"]["employee_id"]]
    )
    monkeypatch.setenv("LPSS_SSO_HEADER", "X-Forwarded-Email")
    monkeypatch.setenv("LPSS_SSO_TRUSTED_PROXIES", "127.0.0.1")
    untrusted = org.client()  # the test client's address is "testclient", not a trusted proxy
    assert untrusted.get("/api/v1/me", headers={"X-Forwarded-Email": email}).status_code == 401
    monkeypatch.setenv("LPSS_SSO_TRUSTED_PROXIES", "127.0.0.1, testclient")
    proxied = org.client()
    me = proxied.get("/api/v1/me", headers={"X-Forwarded-Email": f"  {email.upper()} "})
    assert me.status_code == 200 and me.json()["employee_id"] == org.users["manager"]["employee_id"]
    assert proxied.get("/api/v1/me", headers={"X-Forwarded-Email": "nobody@example.com"}).status_code == 401
    page = proxied.get("/team", headers={"X-Forwarded-Email": email}).text
    month = re.search(r'name="month" value="([^"]+)"', page)
    forged = proxied.post(
        "/team/signoff",
        data={"month": month.group(1) if month else "2026-05-01", "csrf_token": "forged"},
        headers={"X-Forwarded-Email": email},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_lpss_users_add_creates_an_account_that_can_log_in(org):
    env = {**os.environ, "LPSS_HOME": str(org.settings.home), "LPSS_NEW_PASSWORD": "a long test password"}
    employee = org.users["leader"]["employee_id"]
    added = subprocess.run(
        [LPSS, "users", "add", "second-login", "--employee-id", employee],
        env=env,
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    client = org.client()
    response = client.post(
        "/login",
        data={"username": "second-login", "password": "a long test password"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/api/v1/me").json()["employee_id"] == employee
    unknown = subprocess.run(
        [LPSS, "users", "add", "ghost", "--employee-id", "E9999999"], env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 2 and "not an active employee" in unknown.stdout
    listed = subprocess.run([LPSS, "users", "list"], env=env, capture_output=True, text=True).stdout
    assert "second-login" in listed and "a long test password" not in listed
