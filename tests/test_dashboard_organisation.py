"""The dashboard's organisation-wide pages on the shared dashboard organisation (tests/dashboard_org.py):
the organisation page's KPIs and the observations behind each figure, the alerts list, and the
sign-off reminders planned for managers who have not signed."""

from __future__ import annotations

import re


def test_signoff_reminders_go_to_managers_who_have_not_signed(org):
    reminded = {
        subject
        for (subject,) in org.published(
            "select distinct subject_employee_id from marts.fct_alert_deliveries "
            "where rule_id = 'reminder_scorecard_signoff'"
        )
    }
    assert reminded and org.signed_manager not in reminded
    [(month,)] = org.published("select max(month) from marts.fct_leader_scorecards where not is_provisional")
    teams = {
        m
        for (m,) in org.published(
            "select distinct r.manager_id from marts.fct_leader_scorecards as s "
            "inner join marts.dim_leaders as r on r.employee_id = s.employee_id "
            "inner join marts.dim_leaders as m on m.employee_id = r.manager_id and m.is_active "
            "where s.month = ?",
            [month],
        )
    }
    assert reminded == teams - {org.signed_manager}


def test_the_organisation_page_shows_each_kpis_latest_closed_period_as_fct_kpis_has_it(org, clients):
    from lpss_pipeline.config.kpi_display import kpi_displays

    displays = kpi_displays()
    latest = org.published(
        """
        select kpi_id, period_start, is_closed, value, status, population from marts.fct_kpis
        where cut = 'organisation'
        qualify row_number() over (partition by kpi_id order by is_closed desc, period_start desc) = 1
        """
    )
    page = clients["executive"].get("/organisation")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    shown = 0
    for kpi_id, period, closed, value, status, population in latest:
        display = displays[kpi_id]
        assert f"{display.name} ({display.period(period, closed)})" in text, kpi_id
        if status == "ok" and population >= 3:
            assert display.value(value) in text, kpi_id
            shown += 1
    assert shown >= 3
    # the as-of month (2026-06, exported on the 15th) is in progress: no monthly tile shows it
    monthly = [k for k, p, closed, *_ in latest if displays[k].cadence == "monthly"]
    assert monthly and all(closed for k, p, closed, *_ in latest if k in monthly)
    assert "2026-06" not in text
    for role in ("manager", "mentor", "leader"):
        assert clients[role].get("/organisation").status_code == 404


def test_each_figure_of_the_organisation_page_lists_the_observations_it_is_computed_from(org, clients):
    """One click from a figure to the people behind it: as many rows as the figure's population, the
    counted ones first, for the organisation and for a department; org-wide viewers only."""
    from lpss_pipeline.dashboard import kpi_people

    client = clients["executive"]
    page = client.get("/organisation").text
    shown = org.published(
        """
        select kpi_id, cut, cut_value, period_start, period_end, population from marts.fct_kpis as k
        where status = 'ok' and population >= 3 and kpi_id = 'early_warning_leaders'
            and cut in ('organisation', 'department')
            and period_start = (select max(period_start) from marts.fct_kpis
                where kpi_id = k.kpi_id and cut = 'organisation' and is_closed)
        order by cut desc, population desc limit 2
        """
    )
    assert [cut for _, cut, *_ in shown] == ["organisation", "department"]
    for kpi_id, cut, value, start, end, population in shown:
        query = "" if cut == "organisation" else f"?cut={cut}&amp;value={value}"
        assert f'href="/organisation/kpis/{kpi_id}{query}"' in page, (cut, value)
        observed = org.published(
            "select employee_id, numerator from marts.fct_kpi_observations where kpi_id = ? "
            "and period_start between ? and ? and (? = 'organisation' or department_id = ?)",
            [kpi_id, start, end, cut, value],
        )
        assert len(observed) == population
        response = client.get(f"/organisation/kpis/{kpi_id}", params={"cut": cut, "value": value})
        text = " ".join(response.text.split())
        assert response.status_code == 200 and f"The {population} observations" in text
        listed = re.findall(r'<td><a href="/scorecards/(E\d+)">.*?<td>(yes|no)</td>', response.text, re.S)
        assert population <= kpi_people.PER_PAGE  # one page holds them all
        assert sorted(listed) == sorted((e, "yes" if n else "no") for e, n in observed)
        flags = [flag for _, flag in listed]
        assert flags == sorted(flags, reverse=True), "what the KPI counts comes first"
    assert client.get("/organisation/kpis/no_such_kpi").status_code == 404
    assert (
        client.get(
            "/organisation/kpis/early_warning_leaders", params={"cut": "region", "value": "Mars"}
        ).status_code
        == 404
    )
    for role in ("manager", "mentor", "leader"):
        assert clients[role].get("/organisation/kpis/early_warning_leaders").status_code == 404


def test_alerts_list_the_most_severe_first_and_filter_and_page(org, clients):
    client = clients["executive"]
    everything = client.get("/api/v1/alerts", params={"limit": 2000}).json()
    order = ("critical", "warning", "info")
    ranks = [order.index(a["severity"]) for a in everything]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1, "a page of reminders never hides an intervention"
    assert all(a["matching"] == len(everything) for a in everything)
    for severity in order:
        some = client.get("/api/v1/alerts", params={"severity": severity, "limit": 2000}).json()
        assert len(some) == ranks.count(order.index(severity))
        assert {a["severity"] for a in some} <= {severity}
    rule = everything[0]["rule_id"]
    by_rule = client.get("/api/v1/alerts", params={"rule": rule, "status": "delivered", "limit": 2000}).json()
    assert by_rule and all(a["rule_id"] == rule and a["delivered"] == a["recipients"] for a in by_rule)

    page = " ".join(client.get("/alerts", params={"severity": "critical"}).text.split())
    assert f"{ranks.count(0)} alert" in page and f"{ranks.count(0)} critical" in page
    first = " ".join(client.get("/alerts").text.split())
    pages = -(-len(everything) // 50)
    assert (f"page 1 of {pages}" in first) == (pages > 1)
    if pages > 1:
        assert 'href="/alerts?page=2">next</a>' in first
        assert "page 2 of" in client.get("/alerts", params={"page": 2}).text
    assert client.get("/alerts", params={"severity": "urgent"}).status_code == 422
