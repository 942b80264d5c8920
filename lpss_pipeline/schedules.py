"""Schedules: daily integrity, monthly scorecards, quarterly succession and retraining, the annual audit."""

from __future__ import annotations

import os

import dagster as dg

from lpss_pipeline.assets.alerts import alert_delivery_job
from lpss_pipeline.jobs import data_integrity_job, readiness_training_job, scorecard_job, succession_job

SCHEDULES_ON_ENV = "LPSS_SCHEDULES_ON"
"""Set (``lpss ui --schedules-on``) to run every schedule while that Dagster instance runs. Unset, they
start stopped: a person turns each on under Automation in the UI. A schedule stopped (or started) in the
UI keeps that state whatever this says, as Dagster stores it."""


def default_status() -> dg.DefaultScheduleStatus:
    on = os.environ.get(SCHEDULES_ON_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


DEFAULT_STATUS = default_status()

# Times are UTC, after the nightly HRIS/CRM exports have landed.
monthly_scorecard_schedule = dg.ScheduleDefinition(
    name="monthly_scorecard_schedule",
    job=scorecard_job,
    cron_schedule="0 6 1 * *",
    default_status=DEFAULT_STATUS,
    description="1st of the month: ingest, build the scorecards and every mart, predict readiness with the "
    "champion, publish.",
)

quarterly_succession_schedule = dg.ScheduleDefinition(
    name="quarterly_succession_schedule",
    job=succession_job,
    cron_schedule="0 7 1 1,4,7,10 *",
    default_status=DEFAULT_STATUS,
    description="First day of each quarter: succession coverage and bench strength for the quarter.",
)

annual_succession_audit_schedule = dg.ScheduleDefinition(
    name="annual_succession_audit_schedule",
    job=succession_job,
    cron_schedule="0 8 15 1 *",
    default_status=DEFAULT_STATUS,
    tags={"lpss/audit": "annual-succession-coverage"},
    description="15 January: the annual succession-coverage audit, a tagged run of the succession "
    "marts and their tests whose results stay in the run history.",
)

readiness_training_schedule = dg.ScheduleDefinition(
    name="readiness_training_schedule",
    job=readiness_training_job,
    cron_schedule="0 9 1 1,4,7,10 *",
    default_status=DEFAULT_STATUS,
    description="First day of each quarter, after the monthly build: retrain the readiness model; the "
    "champion moves only if the new model beats it and the rule on the same validation months.",
)

data_integrity_schedule = dg.ScheduleDefinition(
    name="data_integrity_schedule",
    job=data_integrity_job,
    cron_schedule="30 5 * * *",
    default_status=DEFAULT_STATUS,
    description="Daily, before the scorecard runs: every raw data-integrity check and the freshness of "
    "each export (a late system raises a missing-data alert).",
)

daily_alert_delivery_schedule = dg.ScheduleDefinition(
    name="daily_alert_delivery_schedule",
    job=alert_delivery_job,
    cron_schedule="0 8 * * *",
    default_status=DEFAULT_STATUS,
    description="Daily: remind managers of team scorecards still unsigned scorecard_signoff_days after the "
    "month closed, and send whatever else is pending.",
)

schedules = [
    data_integrity_schedule,
    monthly_scorecard_schedule,
    quarterly_succession_schedule,
    readiness_training_schedule,
    annual_succession_audit_schedule,
    daily_alert_delivery_schedule,
]
