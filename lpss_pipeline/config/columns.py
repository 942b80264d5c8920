"""The vocabulary configuration files are declared in: typed columns and file specs.

Configuration is edited by people in spreadsheets, so each value is checked for what it must be
(a number, one of a list, present) and every mistake is reported with its file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

BOOLEANS = {"true": "true", "false": "false", "yes": "true", "no": "false"}


@dataclass(frozen=True)
class Col:
    """One column: its kind (text, number, integer, boolean, choice), bounds and whether it may be empty."""

    name: str
    kind: str = "text"
    required: bool = True
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None

    @property
    def sql_type(self) -> str:
        return {"number": "DOUBLE", "integer": "INTEGER", "boolean": "BOOLEAN"}.get(self.kind, "VARCHAR")

    def problem(self, value: str) -> tuple[str | None, str]:
        """(what is wrong with ``value`` or None, the value as stored)."""
        if value == "":
            return ("is empty; a value is required" if self.required else None), value
        if self.kind == "boolean":
            if value.lower() not in BOOLEANS:
                return f"{value!r} is not true or false", value
            return None, BOOLEANS[value.lower()]
        if self.kind == "choice" and value not in self.choices:
            return f"{value!r} is not one of {', '.join(self.choices)}", value
        if self.kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                return f"{value!r} is not a number", value
            if self.kind == "integer" and not number.is_integer():
                return f"{value!r} is not a whole number", value
            if self.min is not None and number < self.min:
                return f"{value} is below the least allowed, {self.min:g}", value
            if self.max is not None and number > self.max:
                return f"{value} is above the most allowed, {self.max:g}", value
        return None, value


def text(name: str, required: bool = True) -> Col:
    return Col(name, required=required)


def number(name: str, low: float | None = None, high: float | None = None, required: bool = True) -> Col:
    return Col(name, "number", required, min=low, max=high)


def integer(name: str, low: float | None = None, high: float | None = None, required: bool = True) -> Col:
    return Col(name, "integer", required, min=low, max=high)


def boolean(name: str) -> Col:
    return Col(name, "boolean")


def choice(name: str, *values: str, required: bool = True) -> Col:
    return Col(name, "choice", required, choices=values)


@dataclass(frozen=True)
class FileSpec:
    """A configuration file: its columns, the columns that identify a row, and what it is for."""

    columns: tuple[Col, ...]
    key: tuple[str, ...]
    description: str

    def column(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)
