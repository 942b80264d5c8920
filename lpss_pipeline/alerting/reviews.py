"""Leadership-review cases: an intervention alert, once sent, must be followed by a review.

A case opens when an intervention alert is first delivered (``sent_at``). It closes as ``held``
when the HRIS reports a leadership review of the person on or after the alert's day and within
``review_due_hours`` of it; a case with no such review once those hours have passed is
``escalated``: a ``review_overdue`` alert goes to the recipients alert_routing names for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from lpss_pipeline.alerting import deliveries as outbox
from lpss_pipeline.config import alert_rule, config_rows, rule_tracked

DDL = """
create schema if not exists ops;
create table if not exists ops.review_cases (
    alert_key varchar primary key,       -- the intervention alert
    subject_employee_id varchar not null,
    period date,
    sent_at timestamp not null,          -- first delivery of the intervention alert
    due_at timestamp not null,           -- sent_at + review_due_hours
    status varchar not null,             -- open | held | escalated
    review_held_on date,
    closed_at timestamp
);
"""

ESCALATION_RULE = "review_overdue"


def is_overdue(sent_at: datetime, now: datetime, hours: float) -> bool:
    """True once more than ``hours`` have passed since the alert was sent (at exactly 48:00, not yet)."""
    return now - sent_at > timedelta(hours=hours)


def open_cases(con: duckdb.DuckDBPyConnection, hours: float) -> int:
    """Open a case for every delivered intervention alert without one."""
    con.execute(DDL)
    before = con.execute("select count(*) from ops.review_cases").fetchone()[0]
    con.execute(
        """
        insert into ops.review_cases (alert_key, subject_employee_id, period, sent_at, due_at, status)
        select
            alert_key,
            any_value(content ->> 'subject_employee_id'),
            any_value(cast(content ->> 'period' as date)),
            min(delivered_at), min(delivered_at) + to_milliseconds(cast(? * 3600000 as bigint)), 'open'
        from ops.alert_deliveries
        where rule_id = 'intervention' and status = 'delivered'
        group by alert_key
        on conflict do nothing
        """,
        [hours],
    )
    return con.execute("select count(*) from ops.review_cases").fetchone()[0] - before


def open_cases_sent(con: duckdb.DuckDBPyConnection) -> list[tuple[str, datetime]]:
    """(intervention alert key, when it was sent) of every open case."""
    con.execute(DDL)
    return con.execute(
        "select alert_key, sent_at from ops.review_cases where status = 'open' order by sent_at"
    ).fetchall()


def _reviews_available(con: duckdb.DuckDBPyConnection) -> bool:
    """The leadership reviews dbt stages (a view in the warehouse)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'staging' and table_name = 'stg_hris__leadership_reviews'"
        ).fetchone()[0]
    )


def close_held(con: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """Close the open cases whose review has been held in time."""
    if not _reviews_available(con):
        return 0
    return con.execute(
        """
        update ops.review_cases as c
        set status = 'held', review_held_on = r.held_on, closed_at = ?
        from (
            select c.alert_key, min(r.held_on) as held_on
            from ops.review_cases as c
            inner join staging.stg_hris__leadership_reviews as r
                on r.employee_id = c.subject_employee_id
                and r.held_on >= cast(c.sent_at as date)
                and r.held_on <= cast(c.due_at as date)
            where c.status = 'open'
            group by c.alert_key
        ) as r
        where c.alert_key = r.alert_key
        """,
        [now],
    ).fetchone()[0]


def escalate_overdue(con: duckdb.DuckDBPyConnection, now: datetime, hours: float) -> list[str]:
    """Escalate every open case past its deadline; returns the escalated intervention alert keys. Not
    when the organisation does not track leadership reviews: a held review could never be seen."""
    con.execute(DDL)
    if not rule_tracked("review_overdue"):
        return []
    close_held(con, now)
    cases = con.execute(
        "select alert_key, subject_employee_id, period, sent_at from ops.review_cases where status = 'open'"
    ).fetchall()
    escalated = []
    for alert_key, subject, period, sent_at in cases:
        if not is_overdue(sent_at, now, hours):
            continue
        _plan_escalation(con, alert_key, subject, period, sent_at, now, hours)
        con.execute(
            "update ops.review_cases set status = 'escalated', closed_at = ? where alert_key = ?",
            [now, alert_key],
        )
        escalated.append(alert_key)
    return escalated


def _recipients(con: duckdb.DuckDBPyConnection, subject: str) -> list[tuple[str, str, str]]:
    """(kind, recipient, role) for review_overdue from alert_routing: channels by role, the subject's
    executive sponsor and direct manager by Slack id or e-mail (as fct_alert_recipients does)."""
    channels = {r["channel_role"]: r["slack_channel"] for r in config_rows("alert_channels")}
    people = con.execute(
        """
        select
            coalesce(sponsor.slack_user_id, lower(trim(sponsor.email))),
            coalesce(manager.slack_user_id, lower(trim(manager.email)))
        from staging.stg_hris__employees as e
        left join staging.stg_hris__departments as d on d.department_id = e.department_id
        left join staging.stg_hris__employees as sponsor on sponsor.employee_id = d.executive_sponsor_id
        left join staging.stg_hris__employees as manager on manager.employee_id = e.manager_id
        where e.employee_id = ?
        """,
        [subject],
    ).fetchone() or (None, None)
    users = {"executive_sponsor": people[0], "direct_manager": people[1]}
    recipients = []
    for route in config_rows("alert_routing"):
        if route["rule_id"] != ESCALATION_RULE:
            continue
        role = route["recipient_role"]
        if route["recipient_kind"] == "channel":
            recipients.append(("channel", channels[role], role))
        elif users.get(role):
            recipients.append(("user", users[role], role))
        else:
            recipients.append(("channel", channels["hr"], f"{role} (no {role.replace('_', ' ')} on record)"))
    return recipients


def _plan_escalation(
    con, alert_key: str, subject: str, period, sent_at: datetime, now: datetime, hours: float
):
    rule = alert_rule(ESCALATION_RULE)
    name = con.execute(
        "select any_value(content ->> 'subject_name') from ops.alert_deliveries where alert_key = ?",
        [alert_key],
    ).fetchone()[0]
    content = {
        "title": rule["title"],
        "message": f"No leadership review recorded within {hours:g} hours of the intervention alert sent "
        f"{sent_at:%Y-%m-%d %H:%M} UTC.",
        "severity": rule["severity"],
        "subject_employee_id": subject,
        "subject_name": name,
        "period": str(period),
        "next_step": rule["next_step"],
        "due_at": str(sent_at + timedelta(hours=hours)),
    }
    for kind, recipient, role in _recipients(con, subject):
        outbox.add_delivery(
            con,
            alert_key=f"{ESCALATION_RULE}:{subject}:{period}",
            rule_id=ESCALATION_RULE,
            severity=rule["severity"],
            recipient_kind=kind,
            recipient=recipient,
            recipient_roles=role,
            content=content,
            now=now,
        )
