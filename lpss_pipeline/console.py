"""What every `lpss` command prints with, and the settings it starts from."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.table import Table

from lpss_pipeline.settings import Settings, load_settings

# Piped or logged output is not cut to rich's guess of 80 columns (paths and titles broke mid-line).
console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 132)


def ensured_settings() -> Settings:
    """The environment's settings, with the LPSS_HOME layout and Dagster config in place."""
    return load_settings().ensure()


def new_table(title: str, *columns: str) -> Table:
    """A rich table; a column named ">x" is right-aligned."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column.lstrip(">"), justify="right" if column.startswith(">") else "left")
    return table


@contextlib.contextmanager
def printing_to(stream: TextIO) -> Iterator[None]:
    """The console prints to ``stream`` until the block ends (command_log.py: the terminal, while the
    process's own stdout goes to a log), at the width it has now."""
    width, height = console.size  # measured now: once stdout is a file, rich would guess 80 columns
    previous = console._file, console._width, console._height  # rich keeps no public way back
    console.file, console.size = stream, (width, height)
    try:
        yield
    finally:
        console._file, console._width, console._height = previous
