"""Where deliveries go: Slack through slack-sdk, or the local outbox when no Slack is configured.

Both answer the same three questions for the dispatcher: where does a recipient's message go
(``target``), post it with its claim id (``post``), and was a message with this claim id already
posted (``find``, for reconciling a dispatcher that died between sending and recording).
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from http.client import HTTPException
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

# Slack errors no retry can fix: the delivery is marked failed and reported to the data channel.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "is_archived",
        "not_in_channel",
        "user_not_found",
        "cannot_dm_bot",
        "missing_scope",
        "invalid_blocks",
        "msg_too_long",
    }
)
SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
METADATA_EVENT = "lpss_alert"
UNREADABLE_SUFFIX = ".unreadable"
log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A delivery that cannot succeed (permanent) or may succeed later (transient). ``connection``:
    Slack could not be reached at all (refused, reset, timed out), the dispatcher's stop signal."""

    def __init__(self, message: str, permanent: bool, connection: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection


def _unreachable(error: Exception) -> bool:
    """Refused, reset, dropped or timed out (URLError and TimeoutError are OSErrors)."""
    return isinstance(error, OSError | HTTPException)


@dataclass(frozen=True)
class Target:
    channel: str  # Slack channel or DM id, or the outbox file's stem
    note: str | None = None  # set when the HR channel stands in for an unreachable person


class LocalOutbox:
    """``LPSS_HOME/outbox/<channel>.jsonl`` (``user-<id or e-mail>.jsonl`` for people): one JSON line
    per message, never two with the same claim id. A line that cannot be read (torn by a crash
    mid-write, edited by hand) is moved to ``<file>.unreadable`` and logged, and the file is rewritten
    without it, so it never blocks the other deliveries; ``moved_aside`` says what was moved."""

    via = "outbox"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.moved_aside: list[str] = []

    def target(self, recipient_kind: str, recipient: str) -> Target:
        stem = recipient.lstrip("#") if recipient_kind == "channel" else f"user-{recipient}"
        return Target(re.sub(r"[^A-Za-z0-9@._-]", "_", stem))

    def post(self, channel: str, text: str, blocks: list[dict], claim_id: str, alert_keys: list[str]) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / f"{channel}.jsonl").open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            posted = _ts_of(self._records(handle), claim_id)
            if posted is not None:
                return posted
            now = datetime.now(UTC)
            ts = f"{now.timestamp():.6f}"
            record = {
                "claim_id": claim_id,
                "ts": ts,
                "channel": channel,
                "alert_keys": alert_keys,
                "text": text,
                "blocks": blocks,
                "posted_at": now.isoformat(),
            }
            handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")
        return ts

    def tidy(self, repair: bool = True) -> list[str]:
        """Every outbox file's unreadable lines: moved aside (``repair``) or only reported."""
        found = []
        for path in sorted(self.directory.glob("*.jsonl")):
            if not repair:
                torn = _split(path.read_text(encoding="utf-8", errors="replace"))[1]
                if torn:
                    found.append(f"{path.name}: {len(torn)} unreadable line(s)")
                continue
            with path.open("a+", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._records(handle)
        return found + self.moved_aside

    def find(self, channel: str, claim_id: str, since: datetime) -> str | None:
        path = self.directory / f"{channel}.jsonl"
        if not path.exists():
            return None
        with path.open("a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            return _ts_of(self._records(handle), claim_id)

    def _records(self, handle) -> list[dict]:
        """The file's records (its lock held); unreadable lines moved aside, the file rewritten without
        them (ending in a newline, so the next record never lands on a torn one)."""
        handle.seek(0)
        records, torn = _split(handle.read())
        if torn:
            path = Path(handle.name)
            aside = path.with_name(path.name + UNREADABLE_SUFFIX)
            with aside.open("a", encoding="utf-8") as out:
                out.writelines(line + "\n" for line in torn)
            handle.seek(0)
            handle.truncate()
            handle.writelines(json.dumps(r, sort_keys=True, default=str) + "\n" for r in records)
            handle.flush()
            finding = f"{path.name}: {len(torn)} unreadable line(s) moved to {aside.name}"
            log.warning("outbox %s", finding)
            self.moved_aside.append(finding)
        return records


def _split(text: str) -> tuple[list[dict], list[str]]:
    """(records, lines that are not outbox records) of an outbox file's text."""
    records, torn = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("ts"), str):
                raise ValueError("not an outbox record")
        except ValueError:
            torn.append(line)
            continue
        records.append(record)
    return records, torn


def _ts_of(records: list[dict], claim_id: str) -> str | None:
    """The ``ts`` of the outbox record carrying ``claim_id``, if any."""
    for record in records:
        if record.get("claim_id") == claim_id:
            return record["ts"]
    return None


def web_clients(
    token: str, base_url: str, max_retries: int, backoff: float, timeout: int = 10
) -> tuple[WebClient, WebClient]:
    """(reader, poster). The reader retries 429 (honouring Retry-After), server errors and dropped
    connections; the poster retries only 429, which Slack guarantees was not processed: after a
    server error or a dropped connection a message may have been posted, so the dispatcher looks
    for it (by its claim id) before posting again. Every call times out after ``timeout`` seconds
    (slack_timeout_seconds)."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff)
    rate_limit = RateLimitErrorRetryHandler(max_retry_count=max_retries)
    reader = WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            rate_limit,
            ServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
            ConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
        ],
    )
    poster = WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[rate_limit])
    return reader, poster


class SlackSink:
    """Slack Web API: channels by name (conversations.list), people by user id or e-mail
    (users.lookupByEmail, cached), direct messages through conversations.open."""

    via = "slack"

    def __init__(
        self, reader: WebClient, poster: WebClient, hr_channel: str, user_cache: dict[str, str | None]
    ):
        self.reader, self.poster, self.hr_channel = reader, poster, hr_channel
        self.user_cache = user_cache  # e-mail -> user id (None: not in Slack), shared across dispatches
        self._channels: dict[str, str] | None = None

    def _call(self, method: str, **kwargs) -> dict:
        try:
            return getattr(self.reader, method)(**kwargs).data
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            raise DeliveryError(f"{method}: {code}", permanent=code in PERMANENT_ERRORS) from error
        except Exception as error:  # retries exhausted: connection refused, reset, timeouts
            raise DeliveryError(
                f"{method}: {error}", permanent=False, connection=_unreachable(error)
            ) from error

    def _channel_id(self, name: str) -> str:
        if self._channels is None:
            channels, cursor = {}, None
            while True:
                page = self._call(
                    "conversations_list",
                    exclude_archived=True,
                    types="public_channel,private_channel",
                    cursor=cursor,
                )
                channels.update({c["name"]: c["id"] for c in page.get("channels", [])})
                cursor = page.get("response_metadata", {}).get("next_cursor")
                if not cursor:
                    break
            self._channels = channels
        if name.lstrip("#") not in self._channels:
            raise DeliveryError(f"channel_not_found: {name}", permanent=True)
        return self._channels[name.lstrip("#")]

    def _user_id(self, email: str) -> str | None:
        if email not in self.user_cache:
            try:
                self.user_cache[email] = self._call("users_lookupByEmail", email=email)["user"]["id"]
            except DeliveryError as error:
                if "users_not_found" not in str(error):
                    raise
                self.user_cache[email] = None
        return self.user_cache[email]

    def target(self, recipient_kind: str, recipient: str) -> Target:
        if recipient_kind == "channel":
            return Target(self._channel_id(recipient))
        user = recipient if SLACK_USER_ID.match(recipient) else self._user_id(recipient)
        if user is None:
            return Target(
                self._channel_id(self.hr_channel), f"Could not reach {recipient} on Slack (no such user)."
            )
        return Target(self._call("conversations_open", users=user)["channel"]["id"])

    def post(self, channel: str, text: str, blocks: list[dict], claim_id: str, alert_keys: list[str]) -> str:
        metadata = {
            "event_type": METADATA_EVENT,
            "event_payload": {"claim_id": claim_id, "alerts": len(alert_keys)},
        }
        try:
            return self.poster.chat_postMessage(channel=channel, text=text, blocks=blocks, metadata=metadata)[
                "ts"
            ]
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            raise DeliveryError(f"chat.postMessage: {code}", permanent=code in PERMANENT_ERRORS) from error
        except Exception as error:  # a server error or a dropped connection: maybe posted
            raise DeliveryError(
                f"chat.postMessage: {error}", permanent=False, connection=_unreachable(error)
            ) from error

    def find(self, channel: str, claim_id: str, since: datetime) -> str | None:
        oldest = f"{since.replace(tzinfo=since.tzinfo or UTC).timestamp() - 60:.6f}"
        cursor = None
        while True:
            page = self._call(
                "conversations_history",
                channel=channel,
                oldest=oldest,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages", []):
                payload = message.get("metadata", {}).get("event_payload", {})
                if payload.get("claim_id") == claim_id:
                    return message["ts"]
            cursor = page.get("response_metadata", {}).get("next_cursor")
            if not cursor:
                return None
