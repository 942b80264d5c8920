"""The 48-hour rule: an intervention alert not followed by a leadership review is escalated.

Real DuckDB with the staging tables the escalation reads, the real sensor evaluated at 47:59 and
48:01 after the alert was sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import dagster as dg
import duckdb
import pytest

from lpss_pipeline import sensors
from lpss_pipeline.alerting import reviews
from lpss_pipeline.alerting.deliveries import add_delivery, claim, ensure_outbox, record_delivered
from lpss_pipeline.alerting.service import escalate
from lpss_pipeline.alerting.state import write_state
from lpss_pipeline.resources import SlackResource

SENT = datetime(2026, 6, 15, 9, 0, 0)
JUST_BEFORE = SENT + timedelta(hours=47, minutes=59)
JUST_AFTER = SENT + timedelta(hours=48, minutes=1)


def test_overdue_only_after_48_hours():
    assert not reviews.is_overdue(SENT, JUST_BEFORE, 48)
    assert not reviews.is_overdue(SENT, SENT + timedelta(hours=48), 48)
    assert reviews.is_overdue(SENT, JUST_AFTER, 48)


@pytest.fixture
def con(tmp_path):
    """Two leaders with intervention alerts delivered at SENT; E2 had a review the next day."""
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("create schema staging")
        con.execute(
            """create table staging.stg_hris__employees as select * from (values
            ('E1', 'Ada One', 'ada@x.test', 'U1', 'M1', 'D1'),
            ('E2', 'Bo Two', 'bo@x.test', 'U2', 'M1', 'D1'),
            ('M1', 'Manager', 'm@x.test', 'UM', 'S1', 'D1'),
            ('S1', 'Sponsor', 's@x.test', NULL, NULL, 'D1'))
            as t (employee_id, full_name, email, slack_user_id, manager_id, department_id)"""
        )
        con.execute(
            "create table staging.stg_hris__departments as "
            "select 'D1' as department_id, 'S1' as executive_sponsor_id"
        )
        con.execute(
            "create table staging.stg_hris__leadership_reviews as "
            "select 'R1' as review_id, 'E2' as employee_id, date '2026-06-16' as held_on"
        )
        ensure_outbox(con)
        for subject in ("E1", "E2"):
            key = f"intervention:{subject}:2026-05-01"
            content = {"subject_employee_id": subject, "subject_name": subject, "period": "2026-05-01"}
            add_delivery(
                con,
                alert_key=key,
                rule_id="intervention",
                severity="critical",
                recipient_kind="channel",
                recipient="#lpss-hr",
                content=content,
                now=SENT,
            )
            claim(con, {f"claim-{subject}": [f"{key}|channel|#lpss-hr"]}, SENT)
            record_delivered(con, {f"claim-{subject}": ("lpss-hr", "1.0")}, "outbox", SENT)
        yield con


def test_no_escalation_at_47_59(con, tmp_path):
    assert escalate(con, tmp_path / "outbox", now=lambda: JUST_BEFORE) == []
    assert dict(con.execute("select alert_key, status from ops.review_cases").fetchall()) == {
        "intervention:E1:2026-05-01": "open",
        "intervention:E2:2026-05-01": "held",  # reviewed the next day
    }


def test_escalation_at_48_01_to_the_executives_and_the_sponsor(con, tmp_path):
    assert escalate(con, tmp_path / "outbox", now=lambda: JUST_AFTER) == ["intervention:E1:2026-05-01"]
    planned = con.execute(
        "select recipient_kind, recipient, status from ops.alert_deliveries where rule_id = 'review_overdue'"
    ).fetchall()
    # alert_routing: executives channel and executive sponsor (no Slack id: by e-mail)
    assert sorted(planned) == [("channel", "#lpss-executives", "pending"), ("user", "s@x.test", "pending")]
    assert escalate(con, tmp_path / "outbox", now=lambda: JUST_AFTER + timedelta(hours=1)) == []  # once


def test_no_escalation_when_leadership_reviews_are_not_tracked(con, tmp_path, monkeypatch):
    config = tmp_path / "config"
    config.mkdir()
    (config / "tracked_entities.csv").write_text("system,entity,tracked\nhris,leadership_reviews,false\n")
    monkeypatch.setenv("LPSS_CONFIG_DIR", str(config))
    assert escalate(con, tmp_path / "outbox", now=lambda: JUST_AFTER) == []


def sensor_result(outbox_dir, now, monkeypatch):
    monkeypatch.setattr(sensors, "_now", lambda: now)
    context = dg.build_sensor_context(resources={"slack": SlackResource(outbox_dir=str(outbox_dir))})
    return sensors.review_escalation_sensor(context)


def test_the_sensor_launches_the_escalation_only_after_48_hours(con, tmp_path, monkeypatch):
    reviews.open_cases(con, 48)
    write_state(con, tmp_path / "outbox", SENT)
    assert isinstance(sensor_result(tmp_path / "outbox", JUST_BEFORE, monkeypatch), dg.SkipReason)
    request = sensor_result(tmp_path / "outbox", JUST_AFTER, monkeypatch)
    assert isinstance(request, dg.RunRequest) and request.run_key.startswith("escalate:")


def test_the_delivery_sensor_waits_for_the_backoff(con, tmp_path, monkeypatch):
    outbox_dir = tmp_path / "outbox"
    add_delivery(
        con,
        alert_key="stagnating:E1:2026-05-01",
        rule_id="stagnating",
        severity="warning",
        recipient_kind="channel",
        recipient="#lpss-hr",
        content={},
        now=SENT,
    )
    con.execute("update ops.alert_deliveries set next_attempt_at = ? where status = 'pending'", [JUST_AFTER])
    write_state(con, outbox_dir, SENT)
    slack = SlackResource(outbox_dir=str(outbox_dir))
    monkeypatch.setattr(sensors, "_now", lambda: JUST_BEFORE)
    assert isinstance(
        sensors.slack_alert_sensor(dg.build_sensor_context(resources={"slack": slack})), dg.SkipReason
    )
    monkeypatch.setattr(sensors, "_now", lambda: JUST_AFTER)
    request = sensors.slack_alert_sensor(dg.build_sensor_context(resources={"slack": slack}))
    assert isinstance(request, dg.RunRequest)


def test_review_cases_open_once_per_delivered_intervention_alert(con):
    assert reviews.open_cases(con, 48) == 2
    assert reviews.open_cases(con, 48) == 0
    due = con.execute("select distinct due_at from ops.review_cases").fetchall()
    assert due == [(SENT + timedelta(hours=48),)]
    assert date(2026, 6, 16) <= (SENT + timedelta(hours=48)).date()


def test_a_failed_run_is_posted_to_the_data_channel_once(tmp_path, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)

    @dg.op
    def explode():
        raise RuntimeError("the export was unreadable")

    @dg.job
    def failing_job():
        explode()

    instance = dg.DagsterInstance.ephemeral()
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    outbox_dir = tmp_path / "outbox"
    for _ in range(2):  # the same failed run evaluated twice
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_sensor",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            resources={"slack": SlackResource(outbox_dir=str(outbox_dir))},
        ).for_run_failure()
        sensors.run_failure_sensor(context)
    [line] = (outbox_dir / "lpss-data-ops.jsonl").read_text().splitlines()
    assert "failing_job" in line and result.run_id in line
