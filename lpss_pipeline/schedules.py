"""Schedules: the monthly scorecard, the quarterly succession review and the annual audit."""

from __future__ import annotations

import dagster as dg

from lpss_pipeline.jobs import pipeline_job, succession_job

# Times are UTC, after the nightly HRIS/CRM exports have landed.
monthly_scorecard_schedule = dg.ScheduleDefinition(
    name="monthly_scorecard_schedule",
    job=pipeline_job,
    cron_schedule="0 6 1 * *",
    description="1st of the month: ingest, build the scorecards and every mart, publish.",
)

quarterly_succession_schedule = dg.ScheduleDefinition(
    name="quarterly_succession_schedule",
    job=succession_job,
    cron_schedule="0 7 1 1,4,7,10 *",
    description="First day of each quarter: succession coverage and bench strength for the quarter.",
)

annual_succession_audit_schedule = dg.ScheduleDefinition(
    name="annual_succession_audit_schedule",
    job=succession_job,
    cron_schedule="0 8 15 1 *",
    tags={"lpss/audit": "annual-succession-coverage"},
    description="15 January: the annual succession-coverage audit, a tagged run of the succession "
    "marts and their tests whose results stay in the run history.",
)

schedules = [monthly_scorecard_schedule, quarterly_succession_schedule, annual_succession_audit_schedule]
