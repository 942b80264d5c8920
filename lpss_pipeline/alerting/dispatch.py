"""Sending what ``ops.alert_deliveries`` holds pending, each (alert, recipient) exactly once.

One dispatcher at a time (a file lock). For each chunk of messages: claim their deliveries and
commit, resolve where each goes and record that, post each carrying its claim id, record them
delivered. If anything
fails after the claim, the claim is reconciled before anything is sent again: a message found
under its claim id is recorded as delivered, otherwise the deliveries return to pending. A
recipient with more than ``digest_threshold`` deliveries gets one digest message.

An outage is short: after ``stop_after`` consecutive connection failures (timeouts, refused or
dropped connections) the dispatcher stops calling the sink for this run; what it had not sent stays
pending, due at once, for the next run (never failed for it, no backoff), and the report
says so (``ok`` false, ``summary`` one line).
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
    waiting: int = 0  # pending deliveries left for the next run because the sink was unreachable
    unresolved: int = 0  # claims left for the next dispatch to reconcile (could not tell if sent)
    stopped: str | None = None  # why the dispatcher stopped early: the last connection error
    unreadable: list[str] = field(default_factory=list)  # outbox lines moved aside
    consecutive_connection_failures: int = 0

    @property
    def ok(self) -> bool:
        """Everything attempted was delivered; deliveries still in a planned backoff do not count."""
        return not (self.stopped or self.failed or self.unresolved)

    def summary(self) -> str:
        """One line: what was delivered, and how many deliveries wait and why."""
        parts = [f"{self.delivered} delivered in {self.messages} message(s)"]
        if self.stopped:
            parts.append(
                f"{self.waiting + self.unresolved} wait for the next run: the sink was unreachable "
                f"({self.consecutive_connection_failures} connection failures in a row, last: {self.stopped})"
            )
        elif self.unresolved:
            parts.append(f"{self.unresolved} wait for the next run to check whether they were sent")
        if self.retrying:
            parts.append(f"{self.retrying} will be retried after a backoff")
        if self.failed:
            parts.append(f"{self.failed} failed permanently")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} outbox file(s) had unreadable lines moved aside")
        return "alerts: " + "; ".join(parts)


@dataclass(frozen=True)
class Dispatcher:
    con: duckdb.DuckDBPyConnection
    sink: LocalOutbox | SlackSink
    link: str
    digest_threshold: int
    now: Callable[[], datetime] = utc_now
    stop_after: int = 3  # slack_connection_failures_before_stop

    def run(self, lock_dir: Path) -> DispatchReport:
        lock_dir.mkdir(parents=True, exist_ok=True)
        with (lock_dir / ".dispatch.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            outbox.ensure_outbox(self.con)
            report = DispatchReport()
            self._reconcile(report)
            self._send_due(report)
            if report.failed and not report.stopped:  # the failure reports just planned for the data channel
                self._send_due(report)
            report.unreadable = list(getattr(self.sink, "moved_aside", []))
            return report

    def _outcome(self, report: DispatchReport, error: DeliveryError | None = None) -> None:
        """Count consecutive connection failures; any answer from the sink resets the count."""
        if error is not None and error.connection:
            report.consecutive_connection_failures += 1
            if report.consecutive_connection_failures >= self.stop_after:
                report.stopped = str(error)
        elif not report.stopped:
            report.consecutive_connection_failures = 0

    def _leave_pending(
        self,
        unsent: dict[str, bool],
        claim_id: str,
        unit: list[Delivery],
        report: DispatchReport,
        tried: bool,
    ) -> None:
        """Released with the chunk: pending, due at once; an attempt counts only if the sink was asked."""
        unsent[claim_id] = tried
        report.waiting += len(unit)

    def _send_due(self, report: DispatchReport) -> None:
        pending = outbox.due(self.con, self.now())
        units = []
        for _, group in groupby(pending, key=lambda d: (d.recipient_kind, d.recipient)):
            batch = list(group)
            units += [batch] if len(batch) > self.digest_threshold else [[d] for d in batch]
        for start in range(0, len(units), CHUNK_MESSAGES):
            if report.stopped:  # never claimed: they simply stay pending
                report.waiting += sum(len(unit) for unit in units[start:])
                return
            self._send_chunk(units[start : start + CHUNK_MESSAGES], report)

    def _reconcile(self, report: DispatchReport) -> None:
        """Claims left by a dispatcher that died: delivered if the sink has the message, else pending."""
        for claim in outbox.open_claims(self.con):
            if report.stopped:
                report.unresolved += claim.deliveries
                continue
            try:
                ts = (
                    self.sink.find(claim.channel, claim.claim_id, claim.claimed_at) if claim.channel else None
                )
            except DeliveryError as error:
                self._outcome(report, error)
                report.errors.append(f"reconcile {claim.claim_id}: {error}")
                report.unresolved += claim.deliveries
                continue  # cannot tell yet: leave it claimed for the next dispatch
            self._outcome(report)
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
        unsent: dict[str, bool] = {}  # claim id -> the sink was asked (and unreachable)
        for claim_id, unit in claims.items():
            if report.stopped:
                self._leave_pending(unsent, claim_id, unit, report, tried=False)
                continue
            try:
                targets[claim_id] = self.sink.target(unit[0].recipient_kind, unit[0].recipient)
            except DeliveryError as error:
                self._outcome(report, error)
                if error.connection:  # nothing was posted: due again at once, no backoff
                    report.errors.append(f"{unit[0].recipient}: {error}")
                    self._leave_pending(unsent, claim_id, unit, report, tried=True)
                else:
                    self._failed(unit, claim_id, None, error, report)
                continue
            self._outcome(report)
        outbox.set_targets(self.con, {c: t.channel for c, t in targets.items()})
        sent: dict[str, tuple[str, str]] = {}
        try:
            for claim_id, target in targets.items():
                unit = claims[claim_id]
                if report.stopped:
                    self._leave_pending(unsent, claim_id, unit, report, tried=False)
                    continue
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
                    self._outcome(report, error)
                    self._failed(unit, claim_id, target, error, report)
                    continue
                self._outcome(report)
                sent[claim_id] = (target.channel, ts)
                report.delivered += len(unit)
                report.messages += 1
        finally:
            if sent:
                self._record(sent)
            outbox.release_unsent(self.con, list(unsent), list(unsent.values()))

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
            if report.stopped:  # the sink is unreachable: do not ask it
                report.unresolved += len(unit)
                return  # cannot tell: the claim stays and the next dispatch reconciles it
            try:
                ts = self.sink.find(target.channel, claim_id, self.now() - timedelta(minutes=5))
            except DeliveryError as find_error:
                self._outcome(report, find_error)
                report.unresolved += len(unit)
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
