"""`lpss demo` then `lpss alerts send` against a local Slack API stub: every planned delivery
arrives once, and a second send posts nothing (issue 6's acceptance run, on a small organisation)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb

from tests.slack_stub import SlackStub

LPSS = str(Path(sys.executable).with_name("lpss"))


def lpss(home: Path, stub: SlackStub, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LPSS_HOME": str(home),
        "SLACK_BOT_TOKEN": "xoxb-e2e",
        "LPSS_SLACK_BASE_URL": stub.base_url,
        "COLUMNS": "200",
    }
    env.pop("LPSS_LANDING_DIR", None)
    return subprocess.run([LPSS, *args], env=env, capture_output=True, text=True, timeout=900)


def test_demo_then_send_delivers_every_planned_delivery_once_to_slack(tmp_path):
    with SlackStub() as stub:
        stub.token = "xoxb-e2e"
        stub.fail("chat.postMessage", "429")  # rate limited once on the way (retried after Retry-After)
        demo = lpss(tmp_path, stub, "demo", "--employees", "300", "--months", "13", "--as-of", "2026-06-15")
        assert demo.returncode == 0, demo.stdout + demo.stderr
        send = lpss(tmp_path, stub, "alerts", "send")
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
        again = lpss(tmp_path, stub, "alerts", "send")
        assert again.returncode == 0 and len(stub.posted()) == posts
        assert "Alert deliveries by rule" in again.stdout
        assert not (tmp_path / "outbox" / "lpss-hr.jsonl").exists()  # nothing went to the local outbox
