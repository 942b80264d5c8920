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
            "file": self.file,
            "column": self.column,
            "rows": list(self.rows),
            "affected": self.affected,
            "message": self.message,
        }


class BatchRefused(Exception):
    """A batch broke the export contract; nothing of it was loaded."""

    def __init__(self, batch: str, findings: list[Finding]):
        self.batch = batch
        self.findings = findings
        lines = "\n".join(f"  - {f}" for f in findings)
        super().__init__(f"batch {batch} refused, nothing of it was loaded:\n{lines}")
