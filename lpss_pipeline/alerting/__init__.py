"""Alerts: the outbox every alert passes through on its way to Slack or the local outbox files."""
