"""Expectations as plain data, turned into Great Expectations objects only when run.

Importing GX costs about 9 s, so suites are declared as :class:`Expectation` records (cheap to
build and to unit-test) and converted to ``gx.expectations.*`` inside the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Expectation:
    """One expectation: the GX class name, its arguments, and what a failure means for lpss."""

    gx_type: str  # class name in great_expectations.expectations, e.g. "ExpectColumnValuesToNotBeNull"
    kwargs: dict = field(default_factory=dict)
    check: str = ""  # lpss's name for the rule, e.g. "key_not_null", "reference", "plausible_date"
    blocking: bool = True  # a blocking failure quarantines the batch; otherwise it is a warning
    description: str = ""
    about: str | None = None  # the export column to name when the expectation runs on a helper column

    @property
    def column(self) -> str | None:
        return self.about or self.kwargs.get("column") or self.kwargs.get("column_A")


@dataclass(frozen=True)
class Suite:
    name: str  # e.g. "raw.hris__employees"
    expectations: tuple[Expectation, ...]
