"""Why a batch was refused, precisely enough for the person who has to fix the export."""

from __future__ import annotations

from dataclasses import dataclass


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


class BatchRefused(Exception):
    """A batch broke the export contract; nothing of it was loaded."""

    def __init__(self, batch: str, findings: list[Finding]):
        self.batch = batch
        self.findings = findings
        lines = "\n".join(f"  - {f}" for f in findings)
        super().__init__(f"batch {batch} refused, nothing of it was loaded:\n{lines}")
