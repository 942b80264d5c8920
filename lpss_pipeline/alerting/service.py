"""One dispatch or escalation pass as the jobs and the CLI run it: the steps in order, then the
sensors' state file rewritten. Thresholds come from lpss_parameters (the configuration)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from lpss_pipeline.alerting import reviews
from lpss_pipeline.alerting.dispatch import Dispatcher, DispatchReport, utc_now
from lpss_pipeline.alerting.sinks import LocalOutbox, SlackSink
from lpss_pipeline.alerting.state import write_state
from lpss_pipeline.config import config_values

USER_CACHE_DDL = """
create table if not exists ops.slack_users (
    email varchar primary key, user_id varchar, looked_up_at timestamp
)
"""


def parameter(name: str) -> float:
    return config_values("lpss_parameters", key="parameter")[name]


def _load_user_cache(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    con.execute("create schema if not exists ops")
    con.execute(USER_CACHE_DDL)
    return dict(con.execute("select email, user_id from ops.slack_users").fetchall())


def _save_user_cache(con: duckdb.DuckDBPyConnection, cache: dict[str, str | None], now: datetime) -> None:
    """Found users are remembered; people not in Slack yet are looked up again next time."""
    for email, user_id in cache.items():
        if user_id:
            con.execute(
                "insert into ops.slack_users values (?, ?, ?) "
                "on conflict do update set user_id = excluded.user_id, looked_up_at = excluded.looked_up_at",
                [email, user_id, now],
            )


def dispatch(
    con: duckdb.DuckDBPyConnection,
    sink_for,
    outbox_dir: Path,
    link: str,
    now=utc_now,
) -> DispatchReport:
    """Send everything due, open review cases for delivered intervention alerts, rewrite the state.

    ``sink_for(user_cache)`` builds the sink (Slack, or the local outbox) around the e-mail cache.
    """
    cache = _load_user_cache(con)
    sink: LocalOutbox | SlackSink = sink_for(cache)
    dispatcher = Dispatcher(
        con,
        sink,
        link,
        int(parameter("alert_digest_threshold")),
        now=now,
        stop_after=int(parameter("slack_connection_failures_before_stop")),
    )
    report = dispatcher.run(outbox_dir)
    _save_user_cache(con, cache, now())
    reviews.open_cases(con, parameter("review_due_hours"))
    write_state(con, outbox_dir, now())
    return report


def escalate(con: duckdb.DuckDBPyConnection, outbox_dir: Path, now=utc_now) -> list[str]:
    """Close reviewed cases and escalate overdue ones (their alerts are then pending)."""
    reviews.open_cases(con, parameter("review_due_hours"))
    escalated = reviews.escalate_overdue(con, now(), parameter("review_due_hours"))
    write_state(con, outbox_dir, now())
    return escalated
