"""Alert delivery through the real slack-sdk to a local Slack API stub, and to the local outbox.

Every (alert, recipient) must arrive exactly once: through rate limits, server errors and dropped
connections, across a second dispatch, and across a dispatcher that dies between sending and
recording. Permanent errors are marked failed and reported to the data channel.
"""

from __future__ import annotations

import json
import socket
import time
from collections import Counter
from datetime import datetime, timedelta

import duckdb
import pytest

from lpss_pipeline.alerting import deliveries, dispatch
from lpss_pipeline.alerting.deliveries import add_delivery
from lpss_pipeline.alerting.service import dispatch as dispatch_pass
from lpss_pipeline.alerting.sinks import LocalOutbox, SlackSink
from lpss_pipeline.resources import SlackResource
from tests.slack_stub import SlackStub

T0 = datetime(2026, 6, 15, 9, 0, 0)


class Clock:
    def __init__(self, start: datetime = T0):
        self.at = start

    def __call__(self) -> datetime:
        return self.at


def plan(con, alert_key: str, recipient_kind: str, recipient: str, rule_id: str = "intervention") -> None:
    add_delivery(
        con,
        alert_key=alert_key,
        rule_id=rule_id,
        severity="critical",
        recipient_kind=recipient_kind,
        recipient=recipient,
        content={
            "title": "Leader in the intervention band",
            "message": f"{alert_key}: composite 61.0 is below 70.",
            "severity": "critical",
            "subject_employee_id": alert_key.split(":")[1],
            "subject_name": "Ada Test",
            "period": "2026-05-01",
            "metric_value": 61.0,
            "threshold": 70.0,
            "trend": -1.5,
            "next_step": "Hold a leadership review within 48 hours",
        },
        now=T0,
    )


@pytest.fixture
def con(tmp_path):
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        deliveries.ensure_outbox(con)
        yield con


@pytest.fixture
def stub():
    with SlackStub(users={"known@x.test": "UKNOWN"}) as stub:
        stub.token = "xoxb-test"
        yield stub


@pytest.fixture
def slack(stub, tmp_path, monkeypatch) -> SlackResource:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    return SlackResource(outbox_dir=str(tmp_path / "outbox"), base_url=stub.base_url, backoff_seconds=0.05)


def statuses(con) -> dict[str, str]:
    return dict(con.execute("select delivery_id, status from ops.alert_deliveries").fetchall())


def delivered_keys(stub: SlackStub) -> Counter:
    """How many posted messages carry each claim id (a claim is one message)."""
    return Counter(m["metadata"]["event_payload"]["claim_id"] for m in stub.posted())


def run(con, slack, clock, tmp_path):
    return dispatch_pass(con, slack.sink, tmp_path / "outbox", "http://lpss.test/alerts", now=clock)


def test_every_delivery_arrives_once_through_rate_limits_server_errors_and_drops(con, stub, slack, tmp_path):
    for n in range(3):
        plan(con, f"intervention:E{n}:2026-05-01", "channel", "#lpss-hr")
        plan(con, f"intervention:E{n}:2026-05-01", "user", "UMANAGER")
        plan(con, f"intervention:E{n}:2026-05-01", "user", "known@x.test")
    stub.fail("conversations.list", "500", "drop")  # retried by the reader's handlers
    stub.fail("users.lookupByEmail", "429")  # honours Retry-After
    stub.fail("chat.postMessage", "429", "500", "drop")  # 429 retried; 500 and drop left for later
    clock = Clock()
    first = run(con, slack, clock, tmp_path)
    assert first.retrying == 2 and first.failed == 0
    assert first.delivered == 7
    clock.at += timedelta(hours=2)  # past the backoff
    second = run(con, slack, clock, tmp_path)
    assert second.delivered == 2
    assert set(statuses(con).values()) == {"delivered"}
    assert len(stub.posted()) == 9 and set(delivered_keys(stub).values()) == {1}
    rows = con.execute(
        "select count(distinct slack_ts), count(*) filter (where attempts = 2) from ops.alert_deliveries"
    ).fetchone()
    assert rows == (9, 2)
    assert stub.calls["conversations.open"] >= 1  # users get direct messages


def test_a_second_dispatch_sends_nothing(con, stub, slack, tmp_path):
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    clock = Clock()
    assert run(con, slack, clock, tmp_path).delivered == 1
    clock.at += timedelta(days=1)
    again = run(con, slack, clock, tmp_path)
    assert again.delivered == 0 and again.messages == 0
    assert len(stub.posted()) == 1


def test_a_crash_between_send_and_record_does_not_send_twice(con, stub, slack, tmp_path, monkeypatch):
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    plan(con, "intervention:E2:2026-05-01", "user", "UMANAGER")

    def crash(*args, **kwargs):
        raise SystemExit("killed after posting, before recording")

    with monkeypatch.context() as patched, pytest.raises(SystemExit):
        patched.setattr(deliveries, "record_delivered", crash)
        run(con, slack, Clock(), tmp_path)
    assert len(stub.posted()) == 2  # both messages of the chunk left; their rows are still only claimed
    claimed = con.execute(
        "select count(*) from ops.alert_deliveries where claim_id is not null and status = 'pending'"
    ).fetchall()[0][0]
    assert claimed == 2
    report = run(con, slack, Clock(T0 + timedelta(minutes=1)), tmp_path)
    assert report.reconciled == 2 and report.delivered == 0
    assert len(stub.posted()) == 2 and set(delivered_keys(stub).values()) == {1}
    assert set(statuses(con).values()) == {"delivered"}


def test_a_response_lost_after_posting_is_found_not_resent(con, stub, slack, tmp_path):
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    stub.fail("chat.postMessage", "drop_after")
    report = run(con, slack, Clock(), tmp_path)
    assert report.delivered == 1 and report.retrying == 0
    assert len(stub.posted()) == 1


def test_permanent_errors_fail_and_are_reported_to_the_data_channel(con, stub, slack, tmp_path):
    plan(con, "intervention:E1:2026-05-01", "channel", "#no-such-channel")
    report = run(con, slack, Clock(), tmp_path)
    assert report.failed == 1
    failed = con.execute(
        "select last_error from ops.alert_deliveries where recipient = '#no-such-channel'"
    ).fetchone()[0]
    assert "channel_not_found" in failed
    [notice] = stub.messages["CDATA"]
    assert "intervention:E1:2026-05-01" in notice["text"] and "channel_not_found" in notice["text"]
    assert run(con, slack, Clock(T0 + timedelta(days=1)), tmp_path).messages == 0  # failed stays failed


def test_invalid_auth_is_permanent(con, stub, slack, tmp_path):
    stub.token = "xoxb-another"
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    report = run(con, slack, Clock(), tmp_path)
    assert report.failed >= 1 and not stub.posted()
    assert (
        "invalid_auth" in con.execute("select any_value(last_error) from ops.alert_deliveries").fetchone()[0]
    )


def test_a_person_slack_does_not_know_is_reached_through_the_hr_channel_with_a_note(
    con, stub, slack, tmp_path
):
    plan(con, "intervention:E1:2026-05-01", "user", "nobody@x.test")
    run(con, slack, Clock(), tmp_path)
    [message] = stub.messages["CHR"]
    assert "Could not reach nobody@x.test" in json.dumps(message["blocks"])
    assert con.execute("select slack_channel from ops.alert_deliveries").fetchone()[0] == "CHR"


def test_many_alerts_to_one_recipient_arrive_as_one_digest(con, stub, slack, tmp_path):
    for n in range(8):  # alert_digest_threshold is 5
        plan(con, f"intervention:E{n}:2026-05-01", "channel", "#lpss-hr")
    report = run(con, slack, Clock(), tmp_path)
    assert report.delivered == 8 and report.messages == 1
    [digest] = stub.posted()
    assert digest["text"].startswith("8 lpss alerts")
    assert con.execute("select count(distinct slack_ts) from ops.alert_deliveries").fetchone()[0] == 1


def test_without_a_token_deliveries_go_to_the_local_outbox_exactly_once(con, tmp_path, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    slack = SlackResource(outbox_dir=str(tmp_path / "outbox"))
    assert isinstance(slack.sink(), LocalOutbox) and not slack.configured
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    plan(con, "intervention:E1:2026-05-01", "user", "UMANAGER")
    assert run(con, slack, Clock(), tmp_path).delivered == 2
    assert run(con, slack, Clock(T0 + timedelta(days=1)), tmp_path).delivered == 0
    hr = (tmp_path / "outbox" / "lpss-hr.jsonl").read_text().splitlines()
    manager = (tmp_path / "outbox" / "user-UMANAGER.jsonl").read_text().splitlines()
    assert len(hr) == len(manager) == 1
    assert json.loads(hr[0])["alert_keys"] == ["intervention:E1:2026-05-01"]
    assert con.execute("select distinct delivered_via from ops.alert_deliveries").fetchall() == [("outbox",)]


def test_the_slack_resource_builds_clients_with_the_base_url_and_retry_handlers(slack, stub):
    sink = slack.sink()
    assert isinstance(sink, SlackSink)
    assert sink.reader.base_url == stub.base_url
    handlers = {type(h).__name__ for h in sink.reader.retry_handlers}
    assert handlers == {
        "RateLimitErrorRetryHandler",
        "ServerErrorRetryHandler",
        "ConnectionErrorRetryHandler",
    }
    assert {type(h).__name__ for h in sink.poster.retry_handlers} == {"RateLimitErrorRetryHandler"}


def test_backoff_is_bounded():
    assert dispatch.retry_at(T0, 1) == T0 + timedelta(minutes=1)
    assert dispatch.retry_at(T0, 3) == T0 + timedelta(minutes=4)
    assert dispatch.retry_at(T0, 30) == T0 + timedelta(hours=1)


EVIL_NAME = "Eve <!channel> <https://evil.test|click> & co"
EVIL_MESSAGE = 'Milestone "<@U123> see <https://evil.test|here>" was due on 2026-05-01 & is not completed.'


def plan_evil(con, alert_key: str) -> None:
    add_delivery(
        con,
        alert_key=alert_key,
        rule_id="missed_milestone",
        severity="warning",
        recipient_kind="channel",
        recipient="#lpss-hr",
        content={
            "title": "IDP milestone missed",
            "message": EVIL_MESSAGE,
            "severity": "warning",
            "subject_employee_id": "E<!here>",
            "subject_name": EVIL_NAME,
            "period": "2026-05-01",
            "next_step": "Agree a new date",
        },
        now=T0,
    )


def mrkdwn_texts(message: dict) -> list[str]:
    """The fallback text and every mrkdwn text of a posted message."""
    texts = [message["text"]]
    for block in message["blocks"]:
        parts = [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]
        texts += [part["text"] for part in parts if part.get("type") == "mrkdwn"]
    return texts


@pytest.mark.parametrize("alerts", [1, 8], ids=["one alert", "digest"])
def test_export_text_arrives_escaped_for_mrkdwn_and_lpss_links_still_work(con, stub, slack, tmp_path, alerts):
    for n in range(alerts):  # alert_digest_threshold is 5: 8 alerts arrive as one digest
        plan_evil(con, f"missed_milestone:E{n}:2026-05-01")
    run(con, slack, Clock(), tmp_path)
    [message] = stub.posted()
    texts = mrkdwn_texts(message)
    lpss_link = (
        "<http://lpss.test/alerts|Open in lpss>" if alerts == 1 else "<http://lpss.test/alerts|All alerts>"
    )
    everything = "\n".join(texts)
    assert lpss_link in everything  # lpss's own link is still a link
    leftover = everything.replace(lpss_link, "")
    assert "<" not in leftover and ">" not in leftover  # no mention, no link from the export
    assert "Eve &lt;!channel&gt; &lt;https://evil.test|click&gt; &amp; co" in everything
    assert "&lt;@U123&gt; see &lt;https://evil.test|here&gt;" in everything
    assert "2026-05-01 &amp; is not completed" in everything
    assert "E&lt;!here&gt;" in everything


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def left_pending(con) -> tuple:
    """(distinct status, next attempt, claim), and the attempts counted: only the 3 calls that failed."""
    return con.execute(
        "select list(distinct (status, next_attempt_at, claim_id)), sum(attempts) from ops.alert_deliveries"
    ).fetchone()


def test_an_unreachable_slack_stops_the_dispatch_quickly_and_leaves_everything_pending(
    con, tmp_path, monkeypatch
):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    refused = SlackResource(
        outbox_dir=str(tmp_path / "outbox"),
        base_url=f"http://127.0.0.1:{closed_port()}/api/",
        backoff_seconds=0.05,
        timeout_seconds=2,
    )
    for n in range(4):
        plan(con, f"intervention:E{n}:2026-05-01", "channel", "#lpss-hr")
        plan(con, f"intervention:E{n}:2026-05-01", "user", f"UMANAGER{n}")
    started = time.monotonic()
    report = run(con, refused, Clock(), tmp_path)
    assert time.monotonic() - started < 60
    assert report.stopped and "Connection refused" in report.stopped
    assert not report.ok and report.delivered == 0 and report.failed == 0 and report.retrying == 0
    assert report.waiting == 8  # 4 to the HR channel as single messages, 4 managers
    assert left_pending(con) == ([("pending", None, None)], 3)  # due again at once, never failed
    assert "8 wait for the next run: the sink was unreachable (3 connection failures in a row" in (
        report.summary()
    )


def test_a_hanging_slack_times_out_and_the_next_run_delivers_everything(con, stub, tmp_path, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    slack = SlackResource(
        outbox_dir=str(tmp_path / "outbox"), base_url=stub.base_url, backoff_seconds=0.05, timeout_seconds=1
    )
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    for n in range(4):
        plan(con, "intervention:E1:2026-05-01", "user", f"UMANAGER{n}")
    stub.hang_seconds = 3
    started = time.monotonic()
    report = run(con, slack, Clock(), tmp_path)
    assert time.monotonic() - started < 30
    assert sum(stub.calls.values()) == 3  # slack_connection_failures_before_stop, then no more calls
    assert report.stopped and not report.ok and report.waiting == 5 and not stub.posted()
    assert left_pending(con) == ([("pending", None, None)], 3)
    stub.hang_seconds = 0
    again = run(con, slack, Clock(), tmp_path)  # the next run, no backoff to wait for
    assert again.ok and again.delivered == 5
    assert set(statuses(con).values()) == {"delivered"}


def test_a_planned_backoff_alone_is_not_a_failed_step(con, stub, slack, tmp_path):
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    stub.fail("chat.postMessage", "500")
    first = run(con, slack, Clock(), tmp_path)
    assert first.retrying == 1 and first.ok  # a temporary error: retried after a planned backoff
    second = run(con, slack, Clock(T0 + timedelta(seconds=10)), tmp_path)  # still in its backoff
    assert second.ok and second.delivered == 0 and not stub.posted()


def test_a_torn_outbox_line_is_moved_aside_and_the_others_proceed(con, tmp_path, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    slack = SlackResource(outbox_dir=str(tmp_path / "outbox"))
    plan(con, "intervention:E1:2026-05-01", "channel", "#lpss-hr")
    assert run(con, slack, Clock(), tmp_path).delivered == 1
    hr = tmp_path / "outbox" / "lpss-hr.jsonl"
    torn = '{"alert_keys": ["intervention:E9:2026-05-01"], "claim_id": "dead'
    with hr.open("a") as handle:
        handle.write(torn)  # a crash mid-write: no closing brace, no newline
    plan(con, "intervention:E2:2026-05-01", "channel", "#lpss-hr")
    plan(con, "intervention:E2:2026-05-01", "user", "UMANAGER")
    report = run(con, slack, Clock(T0 + timedelta(minutes=1)), tmp_path)
    assert report.delivered == 2 and report.ok
    assert report.unreadable == ["lpss-hr.jsonl: 1 unreadable line(s) moved to lpss-hr.jsonl.unreadable"]
    assert (tmp_path / "outbox" / "lpss-hr.jsonl.unreadable").read_text() == torn + "\n"
    lines = [json.loads(line) for line in hr.read_text().splitlines()]
    assert [r["alert_keys"] for r in lines] == [
        ["intervention:E1:2026-05-01"],
        ["intervention:E2:2026-05-01"],
    ]
    assert set(statuses(con).values()) == {"delivered"}
    assert run(con, slack, Clock(T0 + timedelta(days=1)), tmp_path).unreadable == []
