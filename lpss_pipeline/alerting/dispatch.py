"""Sending what ``ops.alert_deliveries`` holds pending, each (alert, recipient) exactly once.

One dispatcher at a time (a file lock). For each chunk of messages: claim their deliveries and
commit, resolve where each goes and record that, post each carrying its claim id, record them
delivered. If anything
fails after the claim, the claim is reconciled before anything is sent again: a message found
under its claim id is recorded as delivered, otherwise the deliveries return to pending. A
recipient with more than ``digest_threshold`` deliveries gets one digest message.
"""

from __future__ import annotations

import fcntl
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

import duckdb

from lpss_pipeline.alerting import deliveries as outbox
from lpss_pipeline.alerting.deliveries import Delivery
from lpss_pipeline.alerting.messages import alert_message, digest_message
from lpss_pipeline.alerting.sinks import DeliveryError, LocalOutbox, SlackSink
from lpss_pipeline.config import alert_rule, routed_channels

FAILURE_RULE = "delivery_failed"
MAX_BACKOFF = timedelta(hours=1)
CHUNK_MESSAGES = 200  # messages claimed, posted and recorded together


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # DuckDB timestamps are naive UTC


def retry_at(now: datetime, attempts: int) -> datetime:
    """Bounded exponential backoff: 1, 2, 4 ... minutes, at most an hour."""
    return now + min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DispatchReport:
    delivered: int = 0
    messages: int = 0
    failed: int = 0
    retrying: int = 0
    reconciled: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dispatcher:
    con: duckdb.DuckDBPyConnection
    sink: LocalOutbox | SlackSink
    link: str
    digest_threshold: int
    now: Callable[[], datetime] = utc_now

    def run(self, lock_dir: Path) -> DispatchReport:
        lock_dir.mkdir(parents=True, exist_ok=True)
        with (lock_dir / ".dispatch.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            outbox.ensure_outbox(self.con)
            report = DispatchReport()
            self._reconcile(report)
            self._send_due(report)
            if report.failed:  # the failure reports just planned for the data channel
                self._send_due(report)
            return report

    def _send_due(self, report: DispatchReport) -> None:
        pending = outbox.due(self.con, self.now())
        units = []
        for _, group in groupby(pending, key=lambda d: (d.recipient_kind, d.recipient)):
            batch = list(group)
            units += [batch] if len(batch) > self.digest_threshold else [[d] for d in batch]
        for start in range(0, len(units), CHUNK_MESSAGES):
            self._send_chunk(units[start : start + CHUNK_MESSAGES], report)

    def _reconcile(self, report: DispatchReport) -> None:
        """Claims left by a dispatcher that died: delivered if the sink has the message, else pending."""
        for claim in outbox.open_claims(self.con):
            try:
                ts = (
                    self.sink.find(claim.channel, claim.claim_id, claim.claimed_at) if claim.channel else None
                )
            except DeliveryError as error:
                report.errors.append(f"reconcile {claim.claim_id}: {error}")
                continue  # cannot tell yet: leave it claimed for the next dispatch
            if ts is None:
                outbox.release(self.con, claim.claim_id, None, None)
            else:
                self._record({claim.claim_id: (claim.channel, ts)})
                report.reconciled += claim.deliveries

    def _send_chunk(self, units: list[list[Delivery]], report: DispatchReport) -> None:
        """Claim the chunk's messages, record where each goes, post them, record them delivered:
        four steps, each one statement for the whole chunk. A crash between posting and recording
        leaves claims that the next dispatch reconciles, so nothing is ever posted twice."""
        claims = {uuid.uuid4().hex: unit for unit in units}
        outbox.claim(self.con, {c: [d.delivery_id for d in unit] for c, unit in claims.items()}, self.now())
        targets = {}
        for claim_id, unit in claims.items():
            try:
                targets[claim_id] = self.sink.target(unit[0].recipient_kind, unit[0].recipient)
            except DeliveryError as error:
                self._failed(unit, claim_id, None, error, report)
        outbox.set_targets(self.con, {c: t.channel for c, t in targets.items()})
        sent: dict[str, tuple[str, str]] = {}
        try:
            for claim_id, target in targets.items():
                unit = claims[claim_id]
                if target.note:
                    unit = [
                        Delivery(**{**vars(d), "note": " ".join(filter(None, [d.note, target.note]))})
                        for d in unit
                    ]
                text, blocks = (
                    digest_message(unit, self.link) if len(unit) > 1 else alert_message(unit[0], self.link)
                )
                try:
                    ts = self.sink.post(target.channel, text, blocks, claim_id, [d.alert_key for d in unit])
                except DeliveryError as error:
                    self._failed(unit, claim_id, target, error, report)
                    continue
                sent[claim_id] = (target.channel, ts)
                report.delivered += len(unit)
                report.messages += 1
        finally:
            if sent:
                self._record(sent)

    def _record(self, sent: dict[str, tuple[str, str]]) -> None:
        outbox.record_delivered(self.con, sent, self.sink.via, self.now())

    def _failed(
        self, unit: list[Delivery], claim_id: str, target, error: DeliveryError, report: DispatchReport
    ) -> None:
        report.errors.append(f"{unit[0].recipient}: {error}")
        if error.permanent:
            outbox.record_failed(self.con, claim_id, str(error))
            report.failed += len(unit)
            self._report_failure(unit, str(error))
            return
        # transient: the post may have gone through before the error; never post twice
        ts = None
        if target is not None:
            try:
                ts = self.sink.find(target.channel, claim_id, self.now() - timedelta(minutes=5))
            except DeliveryError:
                return  # cannot tell: the claim stays and the next dispatch reconciles it
        if ts is not None:
            self._record({claim_id: (target.channel, ts)})
            report.delivered += len(unit)
            report.messages += 1
            return
        attempts = max(d.attempts for d in unit) + 1
        outbox.release(self.con, claim_id, str(error), retry_at(self.now(), attempts))
        report.retrying += len(unit)

    def _report_failure(self, unit: list[Delivery], error: str) -> None:
        """Tell HR data operations (alert_routing of delivery_failed); a failed report is not reported."""
        rule = alert_rule(FAILURE_RULE)
        for d in unit:
            if d.rule_id == FAILURE_RULE:
                continue
            for channel in routed_channels(FAILURE_RULE):
                outbox.add_delivery(
                    self.con,
                    alert_key=f"{FAILURE_RULE}:{d.delivery_id}",
                    rule_id=FAILURE_RULE,
                    severity=rule["severity"],
                    recipient_kind="channel",
                    recipient=channel,
                    content={
                        "title": rule["title"],
                        "message": f"`{d.alert_key}` to {d.recipient} failed: {error}",
                        "severity": rule["severity"],
                        "subject_employee_id": d.content.get("subject_employee_id"),
                        "subject_name": d.content.get("subject_name"),
                        "period": d.content.get("period"),
                        "next_step": rule["next_step"],
                    },
                    now=self.now(),
                )
