"""Alert planning and delivery (SPEC section 9): glue around lpss_pipeline.alerting.

The planning asset copies new (alert, recipient) rows of the marts into the ops.alert_deliveries
outbox. Sending is an op (``alert_delivery_job``), launched by ``slack_alert_sensor`` whenever
something is pending and due, by ``lpss alerts send``, and after ``lpss run``/``lpss demo``.
"""

from pathlib import Path

import dagster as dg

from lpss_pipeline.alerting import signoffs
from lpss_pipeline.alerting.deliveries import plan_from_marts
from lpss_pipeline.alerting.dispatch import utc_now
from lpss_pipeline.alerting.service import dispatch, escalate
from lpss_pipeline.alerting.state import write_state
from lpss_pipeline.assets.ingest import WAREHOUSE_POOL
from lpss_pipeline.publishing import republish_deliveries
from lpss_pipeline.resources import DashboardStoreResource, SlackResource, WarehouseResource

DELIVERIES_KEY = dg.AssetKey(["ops", "alert_deliveries"])


@dg.asset(
    key=DELIVERIES_KEY,
    group_name="alerting",
    deps=[dg.AssetKey(["marts", "fct_alerts"]), dg.AssetKey(["marts", "fct_alert_recipients"])],
    kinds={"duckdb", "slack"},
    pool=WAREHOUSE_POOL,
    description="ops.alert_deliveries: one pending row per new (alert, recipient) of fct_alert_recipients; "
    "an alert already planned is never planned again. slack_alert_sensor then sends them.",
)
def alert_deliveries(warehouse: WarehouseResource, slack: SlackResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        now = utc_now()
        planned = plan_from_marts(con, now)
        state = write_state(con, Path(slack.outbox_dir), now)
    return dg.MaterializeResult(metadata={"planned": planned, "pending": state["pending"]})


@dg.op(pool=WAREHOUSE_POOL, ins={"after": dg.In(dg.Nothing)})
def send_pending_alerts(context: dg.OpExecutionContext, warehouse: WarehouseResource, slack: SlackResource):
    """Send every pending, due delivery once: to Slack when SLACK_BOT_TOKEN is set, else the outbox."""
    with warehouse.connect() as con:
        report = dispatch(con, slack.sink, Path(slack.outbox_dir), slack.link)
        republish_deliveries(con, Path(warehouse.published_path))  # the dashboard's alert list
    context.log.info(report.summary())
    context.add_output_metadata(
        {
            "delivered": report.delivered,
            "messages": report.messages,
            "failed": report.failed,
            "retrying": report.retrying,
            "reconciled": report.reconciled,
            "waiting": report.waiting + report.unresolved,
            "via": "slack" if slack.configured else "outbox",
        }
    )
    for finding in report.unreadable:
        context.log.warning(f"outbox: {finding}")
    if report.errors:
        context.log.warning("\n".join(report.errors[:20]))
    if not report.ok:  # lpss alerts send / lpss run exit non-zero; a planned backoff alone is fine
        raise dg.Failure(description=report.summary())


@dg.op(pool=WAREHOUSE_POOL)
def escalate_overdue_reviews(
    context: dg.OpExecutionContext, warehouse: WarehouseResource, slack: SlackResource
):
    """Escalate intervention alerts with no leadership review within review_due_hours of being sent."""
    with warehouse.connect() as con:
        escalated = escalate(con, Path(slack.outbox_dir))
    context.log.info(f"escalated {len(escalated)} review case(s): {escalated}")
    context.add_output_metadata({"escalated": len(escalated)})


@dg.op(pool=WAREHOUSE_POOL)
def plan_signoff_reminders(
    context: dg.OpExecutionContext, warehouse: WarehouseResource, dashboard: DashboardStoreResource
):
    """Remind managers whose team scorecards are unsigned scorecard_signoff_days after the month."""
    with warehouse.connect() as con:
        planned = signoffs.plan_reminders(con, Path(dashboard.store_path), utc_now())
    context.log.info(f"planned {planned} scorecard sign-off reminder(s)")
    context.add_output_metadata({"planned": planned})


@dg.job(
    executor_def=dg.in_process_executor,  # two steps in a row: a process each would import the code twice
    description="Plan the scorecard sign-off reminders that are due, then send what ops.alert_deliveries "
    "holds pending (Slack, or the local outbox).",
)
def alert_delivery_job():
    send_pending_alerts(plan_signoff_reminders())


@dg.job(
    executor_def=dg.in_process_executor,
    description="Escalate overdue leadership reviews, then send the escalations.",
)
def review_escalation_job():
    send_pending_alerts(escalate_overdue_reviews())
