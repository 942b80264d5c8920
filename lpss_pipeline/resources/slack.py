"""Slack as a Dagster resource, on slack-sdk's WebClient (dagster-slack takes no base URL nor retry
handlers). Without a token in ``SLACK_BOT_TOKEN`` deliveries go to the local outbox files."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from lpss_pipeline.alerting.sinks import LocalOutbox, SlackSink, web_clients
from lpss_pipeline.config import channel, config_values


class SlackResource(dg.ConfigurableResource):
    """The token is read from the environment when a step needs it, so it never appears in the
    run configuration the Dagster UI shows."""

    outbox_dir: str
    base_url: str = "https://slack.com/api/"  # LPSS_SLACK_BASE_URL, e.g. a stub in tests
    token_env: str = "SLACK_BOT_TOKEN"
    max_retries: int = 3
    backoff_seconds: float = 0.5
    timeout_seconds: int | None = None  # None: slack_timeout_seconds of lpss_parameters
    link: str = "http://127.0.0.1:3000/assets/marts/fct_alerts"  # where a message's "Open in lpss" goes

    @property
    def configured(self) -> bool:
        return bool(os.environ.get(self.token_env))

    def sink(self, user_cache: dict[str, str | None] | None = None) -> LocalOutbox | SlackSink:
        token = os.environ.get(self.token_env)
        if not token:
            return LocalOutbox(Path(self.outbox_dir))
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        timeout = self.timeout_seconds or int(
            config_values("lpss_parameters", key="parameter")["slack_timeout_seconds"]
        )
        reader, poster = web_clients(token, base, self.max_retries, self.backoff_seconds, timeout)
        return SlackSink(reader, poster, channel("hr"), {} if user_cache is None else user_cache)
