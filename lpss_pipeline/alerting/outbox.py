"""Alerts raised by Python steps (a quarantined batch, a late export, failed mart checks).

They join the alerts the dbt rules raise in ``ops.alert_deliveries``, so every alert reaches Slack
(or the local outbox) through the same dispatcher, once per alert key and recipient. The sensors'
state file is rewritten at once: the step raising the alert (a quarantine) often stops its run, so
no later delivery step would tell the alert sensor that a delivery is pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from lpss_pipeline.alerting.deliveries import add_delivery
from lpss_pipeline.alerting.state import write_state
from lpss_pipeline.config import alert_rule
from lpss_pipeline.settings import load_settings


@dataclass(frozen=True)
class Alert:
    alert_key: str  # rule:subject:period, stable across runs
    rule_id: str
    channel: str  # Slack channel name, e.g. #lpss-data-ops
    message: str
    details: dict = field(default_factory=dict)


def raise_alert(con: duckdb.DuckDBPyConnection, alert: Alert) -> bool:
    """Plan the alert's delivery to its channel; False when that alert key was raised before."""
    rule = alert_rule(alert.rule_id)
    now = datetime.now(UTC).replace(tzinfo=None)
    content = {
        "title": rule["title"],
        "message": alert.message,
        "severity": rule["severity"],
        "period": f"{now:%Y-%m-%d}",
        "next_step": rule["next_step"],
        "details": alert.details,
    }
    planned = add_delivery(
        con,
        alert_key=alert.alert_key,
        rule_id=alert.rule_id,
        severity=rule["severity"],
        recipient_kind="channel",
        recipient=alert.channel,
        content=content,
        now=now,
    )
    if planned:
        write_state(con, load_settings().outbox_dir, now)
    return planned
