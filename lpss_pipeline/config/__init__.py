"""The organisation's business configuration, read from its configuration folder.

Each file is the organisation's copy in ``LPSS_CONFIG_DIR`` (default ``LPSS_HOME/config``) when it
has one, else the shipped default in ``config/defaults/``. The Python side (data-quality checks,
alert routing, the dashboard) reads the same files the ``configuration`` asset validates and
writes into the warehouse's ``config`` schema for dbt, so a number changed by HR changes
everywhere at once. Every read is validated (``files.py``); a broken file raises
``ConfigError`` naming the file, row and column.
"""

from __future__ import annotations

from pathlib import Path

from lpss_pipeline.config.files import ConfigError
from lpss_pipeline.config.folder import DEFAULTS_DIR, config_path, effective_rows
from lpss_pipeline.settings import load_settings

__all__ = ["DEFAULTS_DIR", "ConfigError", "config_path", "config_rows", "rule_tracked", "tracked_entities"]


def config_rows(name: str, config_dir: Path | None = None) -> tuple[dict[str, str], ...]:
    """The rows of one configuration file (the organisation's, else the default), validated."""
    return effective_rows(name, config_dir or load_settings().config_dir)


def config_values(name: str, key: str = "rule", value: str = "value") -> dict[str, float]:
    """A key/value file as numbers: ``config_values("data_quality_rules")["row_count_collapse_share"]``."""
    return {row[key]: float(row[value]) for row in config_rows(name)}


def tracked_entities(system: str, config_dir: Path | None = None) -> frozenset[str]:
    """The export entities of ``system`` the organisation tracks (tracked_entities.csv; default all)."""
    from lpss_pipeline.contract import entities_of

    untracked = {
        row["entity"]
        for row in config_rows("tracked_entities", config_dir)
        if row["system"] == system and row["tracked"] == "false"
    }
    return frozenset(e.name for e in entities_of(system) if e.name not in untracked)


def rule_tracked(rule_id: str, config_dir: Path | None = None) -> bool:
    """Whether every entity an alert rule is computed from is tracked (a rule over untracked data is
    never raised; config/inputs.py)."""
    from lpss_pipeline.config.inputs import ALERT_RULES

    return all(e in tracked_entities(s, config_dir) for s, e in ALERT_RULES.get(rule_id, ()))


def channel(role: str) -> str:
    """The Slack channel of a channel role (``hr``, ``executives``, ``data``) from alert_channels."""
    for row in config_rows("alert_channels"):
        if row["channel_role"] == role:
            return row["slack_channel"]
    raise KeyError(f"no channel for role {role!r} in alert_channels.csv")


def alert_rule(rule_id: str) -> dict[str, str]:
    """An alert rule's row of alert_rules: severity (critical, warning, info), title, next_step."""
    for row in config_rows("alert_rules"):
        if row["rule_id"] == rule_id:
            return row
    raise KeyError(f"no alert rule {rule_id!r} in alert_rules.csv")


def routed_channels(rule_id: str) -> list[str]:
    """The Slack channels alert_routing sends a rule to."""
    roles = [r["recipient_role"] for r in config_rows("alert_routing") if r["rule_id"] == rule_id]
    known = {c["channel_role"] for c in config_rows("alert_channels")}
    return [channel(role) for role in roles if role in known]
