"""A rich progress bar over the generator's stages, or nothing at all when not asked for."""

from __future__ import annotations

from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Stages:
    """``with Stages(enabled, total) as s: s.step("simulating month 3")`` — silent when disabled."""

    def __init__(self, enabled: bool, total: int) -> None:
        self._progress = (
            Progress(
                TextColumn("{task.description:<32}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=False,
            )
            if enabled
            else None
        )
        self._total = total
        self._task = None

    def __enter__(self) -> Stages:
        if self._progress is not None:
            self._progress.start()
            self._task = self._progress.add_task("starting", total=self._total)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            if exc_type is None:
                self._progress.update(self._task, completed=self._total, description="done")
            self._progress.stop()

    def step(self, description: str) -> None:
        """Mark one stage done and name the next."""
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=description)
