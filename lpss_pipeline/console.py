"""What every `lpss` command prints with, and the settings it starts from."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from lpss_pipeline.settings import Settings, load_settings

console = Console()


def ensured_settings() -> Settings:
    """The environment's settings, with the LPSS_HOME layout and Dagster config in place."""
    return load_settings().ensure()


def new_table(title: str, *columns: str) -> Table:
    """A rich table; a column named ">x" is right-aligned."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column.lstrip(">"), justify="right" if column.startswith(">") else "left")
    return table
