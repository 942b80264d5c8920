"""Reminders for team scorecards a manager has not signed off (dashboard sign-off, issue 7).

A month's scorecards are final once the month has closed; the manager of the people they score
signs them off on the dashboard's team page within ``scorecard_signoff_days`` (lpss_parameters).
Past that deadline, every manager without a sign-off for the latest such month gets one reminder
(alert key rule:manager:month), planned into ops.alert_deliveries like any other alert. Only the
latest month is reminded, so a first run does not replay years of missing sign-offs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from lpss_pipeline.alerting import deliveries as outbox
from lpss_pipeline.config import alert_rule, config_values
from lpss_pipeline.dashboard import store

RULE = "reminder_scorecard_signoff"

DUE_MONTH_SQL = """
select max(month)
from marts.fct_leader_scorecards
where not is_provisional
    and cast(month + interval 1 month + to_days(cast($days as integer)) as date) <= cast($now as date)
"""

PLAN_SQL = """
insert into ops.alert_deliveries
    (delivery_id, alert_key, rule_id, severity, recipient_kind, recipient, recipient_roles, content,
     status, planned_at)
with teams as (
    select r.manager_id, count(*) as reports
    from marts.fct_leader_scorecards as s
    inner join marts.dim_leaders as r on r.employee_id = s.employee_id
    where s.month = cast($month as date) and r.manager_id is not null
    group by r.manager_id
),

unsigned as (
    select
        format('{}:{}:{}', $rule, t.manager_id, strftime(cast($month as date), '%Y-%m')) as alert_key,
        coalesce(m.slack_user_id, lower(trim(m.email))) as recipient,
        m.employee_id,
        m.full_name,
        t.reports
    from teams as t
    inner join marts.dim_leaders as m on m.employee_id = t.manager_id and m.is_active
    anti join signed as s on s.manager_employee_id = t.manager_id
)

select
    alert_key || '|user|' || recipient, alert_key, $rule, $severity, 'user', recipient, 'subject',
    json_object(
        'title', $title,
        'message', format(
            'Your team''s {} scorecards ({} direct reports) are not signed off; sign-off was due {}.',
            strftime(cast($month as date), '%B %Y'), reports, strftime(cast($due as date), '%Y-%m-%d')),
        'severity', $severity,
        'subject_employee_id', employee_id,
        'subject_name', full_name,
        'period', cast(cast($month as date) as varchar),
        'next_step', $next_step,
        'due_at', cast(cast($due as date) as varchar)
    ),
    'pending', $now
from unsigned
on conflict do nothing
"""


def signed_managers(store_path: Path, month: str) -> pd.DataFrame:
    """Managers who signed off ``month`` (YYYY-MM-01), from the dashboard's store."""
    if not store_path.exists():
        return pd.DataFrame({"manager_employee_id": pd.Series(dtype="str")})
    with store.connect(store_path) as con:
        return pd.read_sql_query(
            "select manager_employee_id from scorecard_signoffs where month = ?", con, params=[month]
        )


def plan_reminders(con: duckdb.DuckDBPyConnection, store_path: Path, now: datetime) -> int:
    """Plan a reminder to every manager whose team's latest closed month is past due unsigned."""
    outbox.ensure_outbox(con)
    days = int(config_values("lpss_parameters", key="parameter")["scorecard_signoff_days"])
    month = con.execute(DUE_MONTH_SQL, {"days": days, "now": now}).fetchall()[0][0]
    if month is None:
        return 0
    signed = signed_managers(store_path, month.isoformat())
    rule = alert_rule(RULE)
    con.register("signed", signed)
    try:
        return con.execute(
            PLAN_SQL,
            {
                "month": month,
                "due": pd.Timestamp(month) + pd.DateOffset(months=1, days=days),
                "rule": RULE,
                "severity": rule["severity"],
                "title": rule["title"],
                "next_step": rule["next_step"],
                "now": now,
            },
        ).fetchall()[0][0]  # rows inserted
    finally:
        con.unregister("signed")
