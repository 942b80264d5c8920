"""What the alert sensors need to know, in a file they can read without opening the warehouse.

Any open DuckDB connection in another process makes dbt fail to lock the warehouse, so sensors
never open it. Every step that changes deliveries or review cases rewrites
``LPSS_HOME/outbox/_dispatch_state.json`` (atomically): how many deliveries are pending, when the
earliest may be tried, and when each open review case's alert was sent.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import duckdb

from lpss_pipeline.alerting import deliveries as outbox
from lpss_pipeline.alerting import reviews

STATE_FILE = "_dispatch_state.json"


def write_state(con: duckdb.DuckDBPyConnection, directory: Path, now: datetime) -> dict:
    outbox.ensure_outbox(con)
    pending, next_attempt = outbox.pending_summary(con)
    state = {
        "written_at": now.isoformat(),
        "pending": pending,
        "next_attempt_at": next_attempt.isoformat() if next_attempt else None,
        "open_reviews": [{"alert_key": k, "sent_at": t.isoformat()} for k, t in reviews.open_cases_sent(con)],
    }
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as handle:
        json.dump(state, handle)
    os.replace(handle.name, directory / STATE_FILE)
    return state


def read_state(directory: Path) -> dict | None:
    path = Path(directory) / STATE_FILE
    return json.loads(path.read_text()) if path.exists() else None
