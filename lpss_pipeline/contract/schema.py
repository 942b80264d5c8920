"""The vocabulary the export contract is written in: entities, columns and their types.

Declared as plain frozen dataclasses so the generator, the ingest validation and the data
quality suites can all read one declaration instead of restating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["string", "integer", "number", "boolean", "date", "month", "quarter", "timestamp"]
EntityKind = Literal["snapshot", "event"]

# How each contract type is stored in the warehouse. "month" and "quarter" are dates that must
# fall on the first day of their period; that rule is a value check, not a storage type.
DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "month": "DATE",
    "quarter": "DATE",
    "timestamp": "TIMESTAMPTZ",
}


@dataclass(frozen=True)
class Reference:
    """A foreign key: this column's values must exist as ``entity.column`` (same system unless given)."""

    entity: str
    column: str
    system: str = "hris"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    # compared as an e-mail (contract/emails.py): the loader stores its key as ``_<name>_normalized``
    email_key: bool = False
    unique_ci: bool = False  # unique when compared as e-mails (by that key; needs ``email_key``)
    references: Reference | None = None

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Entity:
    system: str
    name: str
    kind: EntityKind
    key: tuple[str, ...]
    description: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.system}.{self.name}: duplicate column names")
        missing = [k for k in self.key if k not in names]
        if missing:
            raise ValueError(f"{self.system}.{self.name}: key columns {missing} are not declared")
        if any(self.column(k).nullable for k in self.key):
            raise ValueError(f"{self.system}.{self.name}: key columns cannot be nullable")
        if any(c.unique_ci and not c.email_key for c in self.columns):
            raise ValueError(f"{self.system}.{self.name}: unique_ci compares e-mail keys; set email_key too")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def email_columns(self) -> tuple[Column, ...]:
        """Columns compared as e-mails, each with its key stored beside it in raw."""
        return tuple(c for c in self.columns if c.email_key)

    @property
    def raw_table(self) -> str:
        """Table name inside the ``raw`` schema, e.g. ``hris__employees``."""
        return f"{self.system}__{self.name}"

    @property
    def asset_key(self) -> list[str]:
        return ["raw", self.system, self.name]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.system}.{self.name} has no column {name!r}")


def col(name: str, type_: ColumnType, description: str, **kwargs) -> Column:
    """Shorthand used by the entity declarations."""
    return Column(name=name, type=type_, description=description, **kwargs)


def employee_ref(name: str, description: str, nullable: bool = False) -> Column:
    """A column that names an HRIS employee."""
    return Column(
        name=name,
        type="string",
        description=description,
        nullable=nullable,
        references=Reference("employees", "employee_id"),
    )


def rating(name: str, description: str, nullable: bool = False, type_: ColumnType = "number") -> Column:
    """A 1-5 rating, the scale every survey and assessment in the contract uses."""
    return Column(name=name, type=type_, description=description, nullable=nullable, min=1, max=5)
