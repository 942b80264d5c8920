"""`lpss demo` during a Slack outage, then `lpss alerts send` against a local Slack API stub: every
planned delivery arrives once, and two sends at once post nothing more (issues 6 and 18, on a small
organisation)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb

from tests.servers import free_port
from tests.slack_stub import SlackStub

LPSS = str(Path(sys.executable).with_name("lpss"))


def env_for(home: Path, slack: str) -> dict[str, str]:
    env = {
        **os.environ,
        "LPSS_HOME": str(home),
        "SLACK_BOT_TOKEN": "xoxb-e2e",
        "LPSS_SLACK_BASE_URL": slack,
        "COLUMNS": "200",
    }
    env.pop("LPSS_LANDING_DIR", None)
    return env


def lpss(home: Path, slack: str, *args: str) -> subprocess.CompletedProcess:
    env = env_for(home, slack)
    return subprocess.run([LPSS, *args], env=env, capture_output=True, text=True, timeout=900)


def test_demo_during_a_slack_outage_then_send_delivers_every_planned_delivery_once(tmp_path):
    """Slack unreachable during the demo: the delivery step fails fast saying what waits, and so does
    a send while the outage lasts; once Slack answers, everything arrives once."""
    unreachable = f"http://127.0.0.1:{free_port()}/api/"  # nothing listens there
    org = ("--employees", "200", "--months", "13", "--as-of", "2026-06-15")
    demo = lpss(tmp_path, unreachable, "demo", *org)
    assert demo.returncode == 1, demo.stdout + demo.stderr
    assert "alert_delivery_job failed" in demo.stdout and "Published marts" in demo.stdout
    started = time.monotonic()
    during = lpss(tmp_path, unreachable, "alerts", "send")
    assert time.monotonic() - started < 60 and during.returncode == 1, during.stdout + during.stderr
    said = " ".join(during.stdout.split())
    assert re.search(r"\d+ wait for the next run: the sink was unreachable \(3 connection failures", said)
    with SlackStub() as stub:
        stub.token = "xoxb-e2e"
        stub.fail("chat.postMessage", "429")  # rate limited once on the way (retried after Retry-After)
        send = lpss(tmp_path, stub.base_url, "alerts", "send")
        assert send.returncode == 0, send.stdout + send.stderr
        with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
            planned, delivered, messages = con.execute(
                "select count(*), count(*) filter (where status = 'delivered'), count(distinct slack_ts) "
                "from ops.alert_deliveries"
            ).fetchone()
            via = con.execute("select distinct delivered_via from ops.alert_deliveries").fetchall()
        assert planned > 20 and delivered == planned
        posts = len(stub.posted())
        claims = Counter(m["metadata"]["event_payload"]["claim_id"] for m in stub.posted())
        assert set(claims.values()) == {1} and posts == messages
        assert via == [("slack",)]
        # two dispatchers at once: one waits for the other's pool slot; neither sends anything again
        racing = [
            subprocess.Popen(
                [LPSS, "alerts", "send"],
                env=env_for(tmp_path, stub.base_url),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(2)
        ]
        said = [r.communicate(timeout=600)[0] for r in racing]
        assert [r.returncode for r in racing] == [0, 0], said
        assert len(stub.posted()) == posts
        assert not any("Conflicting lock" in out or "Traceback" in out for out in said), said
        assert any("Alert deliveries by rule" in out for out in said)
        assert not (tmp_path / "outbox" / "lpss-hr.jsonl").exists()  # nothing went to the local outbox
