"""What people do on the dashboard: page views, team sign-offs, and HR's adoption figures.

Adoption (issue 7): the share of managers and mentors who opened their views in a month, against
``dashboard_adoption_target_pct``. A manager has opened their views with a look at the team page or a
report's scorecard; a mentor with the mentees page or a mentee's development page.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from lpss_pipeline.config import config_values
from lpss_pipeline.dashboard.access import Viewer, min_group
from lpss_pipeline.dashboard.marts import MartsReader

# (the overview page, the page about one person other than oneself)
MANAGER_PAGES = ("team", "scorecard")
MENTOR_PAGES = ("mentees", "development")


def log_view(con: sqlite3.Connection, viewer: Viewer, page: str, subject: str | None, via: str) -> None:
    con.execute(
        "insert into page_views (viewed_at, username, employee_id, role, page, subject, via) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        [datetime.now(UTC).isoformat(), viewer.username, viewer.employee_id, viewer.role, page, subject, via],
    )


def signoff(con: sqlite3.Connection, manager: str, month: str) -> sqlite3.Row | None:
    return con.execute(
        "select signed_by, signed_at, reports_signed from scorecard_signoffs "
        "where manager_employee_id = ? and month = ?",
        [manager, month],
    ).fetchone()


def record_signoff(con: sqlite3.Connection, manager: str, month: str, username: str, reports: int) -> bool:
    """Record the sign-off once; a second sign-off of the same month keeps the first (False)."""
    return (
        con.execute(
            "insert into scorecard_signoffs "
            "(manager_employee_id, month, signed_by, signed_at, reports_signed) "
            "values (?, ?, ?, ?, ?) on conflict do nothing",
            [manager, month, username, datetime.now(UTC).isoformat(), reports],
        ).rowcount
        > 0
    )


def month_bounds(month: str | None) -> tuple[date, date]:
    start = date.fromisoformat(f"{month}-01") if month else datetime.now(UTC).date().replace(day=1)
    return start, (pd.Timestamp(start) + pd.DateOffset(months=1)).date()


# Populations from the published marts; the month's views come in as the registered frame `views`.
ADOPTION_PEOPLE_SQL = """
with managers as (
    select distinct manager_id as employee_id, 'manager' as role
    from marts.dim_leaders
    where is_active and manager_id is not null and manager_id <> employee_id
),
mentors as (
    select distinct viewer_employee_id as employee_id, 'mentor' as role
    from marts.dim_access_grants
    where basis = 'mentor'
),
population as (
    select p.employee_id, p.role, l.full_name, l.job_title, l.department_name
    from (select * from managers union all select * from mentors) as p
    inner join marts.dim_leaders as l on l.employee_id = p.employee_id and l.is_active
)
select p.role, p.employee_id, p.full_name, p.job_title, p.department_name,
    exists (
        select 1 from views as v
        where v.employee_id = p.employee_id
            and (v.page = case p.role when 'manager' then $manager_pages[1] else $mentor_pages[1] end
                or (v.page = case p.role when 'manager' then $manager_pages[2] else $mentor_pages[2] end
                    and v.subject is distinct from p.employee_id))
    ) as opened
from population as p
"""

ADOPTION_SQL = f"""
with people as ({ADOPTION_PEOPLE_SQL})
select role, count(*) as people,
    case when count(*) >= $min_group then count(*) filter (where opened) end as opened,
    case when count(*) >= $min_group then round(100.0 * count(*) filter (where opened) / count(*), 1) end
        as share_pct,
    $target as target_pct,
    coalesce(count(*) >= $min_group and 100.0 * count(*) filter (where opened) / count(*) >= $target, false)
        as meets_target
from people
group by role
order by role
"""

NOT_OPENED_SQL = f"""
with people as ({ADOPTION_PEOPLE_SQL})
select role, employee_id, full_name, job_title, department_name from people where not opened
order by role, full_name, department_name, employee_id
"""

# Sign-offs of the latest closed month: managers with scorecards to sign, and who signed (frame `signed`).
SIGNOFF_RATE_SQL = """
with month as (select max(month) as month from marts.fct_leader_scorecards where not is_provisional),
teams as (
    select distinct r.manager_id
    from marts.fct_leader_scorecards as s
    inner join month on month.month = s.month
    inner join marts.dim_leaders as r on r.employee_id = s.employee_id
    inner join marts.dim_leaders as m on m.employee_id = r.manager_id and m.is_active
)
select (select month from month) as month, count(*) as teams,
    count(*) filter (where exists (
        select 1 from signed where signed.manager_employee_id = teams.manager_id
            and signed.month = cast((select month from month) as varchar)
    )) as signed
from teams
"""


def adoption(marts: MartsReader, con: sqlite3.Connection, month: str | None) -> dict[str, Any]:
    """Per role: people, how many opened their views in the month, the share against the target; who
    has not yet; and the sign-off rate of the latest closed month."""
    start, end = month_bounds(month)
    views = pd.read_sql_query(
        "select distinct employee_id, page, subject from page_views where viewed_at >= ? and viewed_at < ?",
        con,
        params=[start.isoformat(), end.isoformat()],
    )
    signed = pd.read_sql_query("select manager_employee_id, month from scorecard_signoffs", con)
    pages = {"manager_pages": list(MANAGER_PAGES), "mentor_pages": list(MENTOR_PAGES)}
    target = config_values("lpss_parameters", key="parameter")["dashboard_adoption_target_pct"]
    return {
        "month": start.strftime("%Y-%m"),
        "roles": marts.rows_with(
            ADOPTION_SQL, {"views": views}, **pages, min_group=min_group(), target=target
        ),
        "not_opened": marts.rows_with(NOT_OPENED_SQL, {"views": views}, **pages),
        "signoffs": marts.rows_with(SIGNOFF_RATE_SQL, {"signed": signed}),
        "target_pct": target,
    }
