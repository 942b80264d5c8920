"""Why a batch was refused, precisely enough for the person who has to fix the export.

A refusal lists every finding when there are few. A hostile file can hold thousands (a header of
5,000 unknown columns): then the text people read (the CLI, the Dagster step, the Slack alert) is a
summary, :func:`summary_lines`: the count per check, the first few findings of each kind (same
file, check and message) with how many more are like them, and where the whole list is kept (the
quarantine folder's ``_quarantine.json``). Every line is cut at :data:`LINE_CHARS`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SHOWN_IN_FULL = 20  # a refusal with at most this many findings lists every one
EXAMPLES_PER_KIND = 5  # beyond that, the first few findings of each kind...
KINDS_SHOWN = 20  # ... of at most this many kinds...
EXAMPLE_LINES = 40  # ... and at most this many lines of examples in all
LINE_CHARS = 500  # no line longer (a 1 MB cell quoted in a message stays in the quarantine report)


@dataclass(frozen=True)
class Finding:
    """One reason to refuse a batch: where (file, rows, column) and what."""

    file: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    affected: int = 0  # rows affected in total; ``rows`` holds the first few
    check: str = "export_contract"  # which check found it
    blocking: bool = True  # False: a warning, recorded and shown, stopping nothing

    @property
    def entity(self) -> str | None:
        """The entity whose file is at fault; None for the manifest or the batch as a whole."""
        stem = self.file.rsplit("/", 1)[-1].split(".", 1)[0]
        return None if stem.startswith("_") or "/" not in self.file else stem

    def __str__(self) -> str:
        where = self.file
        if self.rows == (0,):
            where += " header"
        elif self.rows:
            shown = ", ".join(str(r) for r in self.rows)
            more = f" ({self.affected} rows in all)" if self.affected > len(self.rows) else ""
            where += f" row{'s' if len(self.rows) > 1 else ''} {shown}{more}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "entity": self.entity,
            "file": self.file,
            "column": self.column,
            "rows": list(self.rows),
            "affected": self.affected,
            "check": self.check,
            "blocking": self.blocking,
            "message": self.message,
        }


def clipped(text: str, limit: int = LINE_CHARS) -> str:
    """``text`` in about ``limit`` characters: its start (where, which column) and its end (the rule),
    with how much of the middle was cut."""
    if len(text) <= limit:
        return text
    tail = limit // 5
    return f"{text[: limit - tail]} …({len(text) - limit:,} characters cut)… {text[-tail:]}"


def counts_by_check(findings: Sequence[Finding]) -> str:
    """``"export_contract 5,000, reference 3"``: how many findings each check made, most first."""
    return ", ".join(f"{check} {n:,}" for check, n in Counter(f.check for f in findings).most_common())


def summary_lines(
    findings: Sequence[Finding],
    shown: int = SHOWN_IN_FULL,
    per_kind: int = EXAMPLES_PER_KIND,
    kinds: int = KINDS_SHOWN,
    lines: int = EXAMPLE_LINES,
    limit: int = LINE_CHARS,
) -> list[str]:
    """The findings as lines to read: every one when there are at most ``shown``; else grouped by kind
    (file, check and message, in order of appearance), the first ``per_kind`` of each of the first
    ``kinds`` kinds (at most ``lines`` lines) and how many more there are."""
    if len(findings) <= shown:
        return [clipped(str(f), limit) for f in findings]
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.file, f.check, f.message), []).append(f)
    out: list[str] = []
    listed = 0
    for members in groups.values():
        if listed == kinds or len(out) >= lines:
            break
        listed += 1
        out += [clipped(str(f), limit) for f in members[:per_kind]]
        if len(members) > per_kind:
            out.append(f"and {len(members) - per_kind:,} more like it")
    rest = list(groups.values())[listed:]
    if rest:
        out.append(f"and {len(rest):,} more kind(s) of finding ({sum(map(len, rest)):,} findings)")
    return out


class BatchRefused(Exception):
    """A batch broke the export contract; nothing of it was loaded.

    ``report`` is where every finding is kept once the batch is quarantined (its ``_quarantine.json``);
    a long list is summarised in the message (:func:`summary_lines`) and points there."""

    def __init__(self, batch: str, findings: list[Finding], report: Path | None = None):
        self.batch = batch
        self.findings = findings
        self.report = report
        super().__init__(batch, findings)

    def __str__(self) -> str:
        head = f"batch {self.batch} refused, nothing of it was loaded"
        lines = "\n".join(f"  - {line}" for line in summary_lines(self.findings))
        if len(self.findings) <= SHOWN_IN_FULL:
            return f"{head}:\n{lines}"
        where = f", every one in {self.report}" if self.report else ""
        return (
            f"{head}: {len(self.findings):,} findings ({counts_by_check(self.findings)}); "
            f"the first {EXAMPLES_PER_KIND} of each kind{where}:\n{lines}"
        )
