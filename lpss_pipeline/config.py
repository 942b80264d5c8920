"""Business configuration read from the dbt seeds, the one place it lives.

The Python side (data-quality checks, alert routing) reads the same CSV files dbt loads into the
``config`` schema, so a number changed by HR changes everywhere at once.
"""

from __future__ import annotations

import csv
from functools import cache

from lpss_pipeline.settings import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@cache
def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def seed_values(name: str, key: str = "rule", value: str = "value") -> dict[str, float]:
    """A key/value seed as numbers, e.g. ``seed_values("data_quality_rules")["row_count_collapse_share"]``."""
    return {row[key]: float(row[value]) for row in seed_rows(name)}


def channel(role: str) -> str:
    """The Slack channel of a channel role (``hr``, ``executives``, ``data``) from alert_channels."""
    for row in seed_rows("alert_channels"):
        if row["channel_role"] == role:
            return row["slack_channel"]
    raise KeyError(f"no channel for role {role!r} in seeds/alert_channels.csv")


def alert_rule(rule_id: str) -> dict[str, str]:
    """An alert rule's row of alert_rules: severity (critical, warning, info), title, next_step."""
    for row in seed_rows("alert_rules"):
        if row["rule_id"] == rule_id:
            return row
    raise KeyError(f"no alert rule {rule_id!r} in seeds/alert_rules.csv")


def routed_channels(rule_id: str) -> list[str]:
    """The Slack channels alert_routing sends a rule to."""
    roles = [r["recipient_role"] for r in seed_rows("alert_routing") if r["rule_id"] == rule_id]
    return [
        channel(role) for role in roles if role in {c["channel_role"] for c in seed_rows("alert_channels")}
    ]
