"""The local alert outbox: ``LPSS_HOME/outbox/<channel>.jsonl``, one JSON line per alert.

Each alert has a stable key (rule, subject, period); posting the same key twice writes nothing,
so an alert is delivered once however often the pipeline runs. This is the delivery used when
no Slack workspace is configured, and what the Slack sender reads when one is.
"""

from __future__ import annotations

import fcntl
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Alert:
    alert_key: str  # rule:subject:period, stable across runs
    rule_id: str
    severity: str  # critical | warning | info
    channel: str  # Slack channel name, e.g. #lpss-data-ops
    message: str
    details: dict = field(default_factory=dict)


class Outbox:
    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _file(self, channel: str) -> Path:
        return self.directory / f"{channel.lstrip('#')}.jsonl"

    def post(self, alert: Alert) -> bool:
        """Append ``alert`` unless its key is already in the outbox; True when written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._file(alert.channel)
        with path.open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # writers in several processes append one at a time
            handle.seek(0)
            if any(json.loads(line).get("alert_key") == alert.alert_key for line in handle if line.strip()):
                return False
            record = {**asdict(alert), "posted_at": datetime.now(UTC).isoformat()}
            handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")
        return True

    def read(self, channel: str) -> list[dict]:
        path = self._file(channel)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
