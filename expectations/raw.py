"""The raw suites: one per contract entity, derived from the export contract.

Nullability, keys, allowed values, ranges and references come from the contract's column
declarations (one definition of each); column types are checked against the same declarations
on the warehouse schema (lpss_pipeline/quality/integrity.py). This module adds only what the
contract cannot say: the plausibility of dates, the reporting-line cycle, the row-count collapse
and the tolerances. Helper columns computed in SQL beside the data start with ``_``
(lpss_pipeline/quality/batch_frames.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from lpss_pipeline.contract import Column, Entity

from .spec import Expectation, Suite

RESOLVED = "<resolved>"
"""What a ``_<column>_reference`` helper holds when the reference resolves; an unresolved one holds
the unknown value itself, so a finding quotes it (lpss_pipeline/quality/batch_frames.py)."""

# Dates that cannot lie after the export (events that already happened).
HAPPENED_BY_EXPORT: dict[str, tuple[str, ...]] = {
    "employees": ("hire_date", "level_start_date"),
    "trainings": ("assigned_on", "completed_on"),
    "idp_milestones": ("completed_on",),
    "mentor_assignments": ("start_date",),
    "readiness_assessments": ("assessed_on",),
    "promotions": ("effective_date",),
    "leadership_reviews": ("held_on",),
    "succession_nominations": ("nominated_on",),
}

# (entity, later column, earlier column, description): the later may not precede the earlier.
ORDERED_DATES: tuple[tuple[str, str, str, str], ...] = (
    ("employees", "termination_date", "hire_date", "termination before hire"),
    ("employees", "level_start_date", "hire_date", "level started before hire"),
    ("trainings", "completed_on", "assigned_on", "training completed before it was assigned"),
    ("trainings", "due_date", "assigned_on", "training due before it was assigned"),
    ("idp_milestones", "completed_on", "_owner_hire_date", "milestone completed before its owner was hired"),
    ("mentor_assignments", "end_date", "start_date", "mentoring ended before it started"),
    ("promotions", "to_level", "from_level", "promotion not to a higher level"),
)


@dataclass(frozen=True)
class RawContext:
    """What a raw suite needs to know beyond the contract, read from the batch and its neighbours."""

    export_date: date
    referenced: tuple[str, ...] = ()  # columns whose reference is resolved in SQL (``_<col>_reference``)
    previous_rows: int | None = None  # row count of the previous good batch (snapshots)
    reference_tolerance: float = 0.0
    crm_email_tolerance: float = 0.0
    collapse_share: float = 0.5


def _column_expectations(e: Entity, c: Column, ctx: RawContext) -> list[Expectation]:
    col = c.name
    out = []
    if not c.nullable:
        check = "key_not_null" if col in e.key else "required"
        out.append(Expectation("ExpectColumnValuesToNotBeNull", {"column": col}, check))
    if c.allowed:
        out.append(
            Expectation(
                "ExpectColumnValuesToBeInSet", {"column": col, "value_set": list(c.allowed)}, "allowed_values"
            )
        )
    if c.min is not None or c.max is not None:
        out.append(
            Expectation(
                "ExpectColumnValuesToBeBetween",
                {"column": col, "min_value": c.min, "max_value": c.max},
                "range",
            )
        )
    if c.unique_ci:
        out.append(
            Expectation(
                "ExpectColumnValuesToBeUnique",
                {"column": f"_{col}_normalized"},
                "unique_case_insensitive",
                description=f"{col} unique as e-mails compare (Unicode case and width folded, trimmed)",
                about=col,
            )
        )
    if col in ctx.referenced:
        # The helper holds RESOLVED or the unresolved value (batch_frames.py); nulls are not checked.
        resolved = {"column": f"_{col}_reference", "value_set": [RESOLVED]}
        out.append(
            Expectation(
                "ExpectColumnValuesToBeInSet",
                {**resolved, "mostly": 1 - ctx.reference_tolerance},
                "reference",
                description=f"{col} resolves to {c.references.entity}.{c.references.column}",
                about=col,
            )
        )
        if ctx.reference_tolerance > 0:
            out.append(
                Expectation(
                    "ExpectColumnValuesToBeInSet",
                    resolved,
                    "reference",
                    blocking=False,
                    description=f"{col} unresolved, within tolerance",
                    about=col,
                )
            )
    return out


def _plausibility(e: Entity, ctx: RawContext) -> list[Expectation]:
    out = []
    export_day = datetime.combine(ctx.export_date, time())  # compared with datetime64 columns
    for col in HAPPENED_BY_EXPORT.get(e.name, ()):
        out.append(
            Expectation(
                "ExpectColumnValuesToBeBetween",
                {"column": col, "max_value": export_day},
                "plausible_date",
                description=f"{col} not after the export date {ctx.export_date}",
            )
        )
    for entity_name, later, earlier, description in ORDERED_DATES:
        if entity_name == e.name:
            out.append(
                Expectation(
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    {
                        "column_A": later,
                        "column_B": earlier,
                        "or_equal": later != "to_level",
                        "ignore_row_if": "either_value_is_missing",
                    },
                    "plausible_order",
                    description=description,
                )
            )
    return out


def raw_suite(e: Entity, ctx: RawContext) -> Suite:
    """Every expectation on one entity's rows of one batch."""
    exp = [
        Expectation(
            "ExpectTableColumnsToMatchSet",
            {"column_set": list(e.column_names), "exact_match": False},
            "schema",
        )
    ]
    if len(e.key) == 1:
        exp.append(Expectation("ExpectColumnValuesToBeUnique", {"column": e.key[0]}, "key_unique"))
    else:
        exp.append(Expectation("ExpectCompoundColumnsToBeUnique", {"column_list": list(e.key)}, "key_unique"))
    for c in e.columns:
        exp += _column_expectations(e, c, ctx)
    exp += _plausibility(e, ctx)
    if e.name == "employees":
        exp.append(
            Expectation(
                "ExpectColumnValuesToBeInSet",
                {"column": "_in_reporting_cycle", "value_set": [False]},
                "reporting_line_cycle",
                description="the reporting line has no cycle",
                about="manager_id",
            )
        )
    if e.system == "crm":
        exp.append(
            Expectation(
                "ExpectColumnValuesToBeInSet",
                {
                    "column": "_owner_email_matched",
                    "value_set": [True],
                    "mostly": 1 - ctx.crm_email_tolerance,
                },
                "crm_email_match",
                description="owner e-mails match HRIS employees within the tolerance",
                about="owner_email",
            )
        )
        exp.append(
            Expectation(
                "ExpectColumnValuesToBeInSet",
                {"column": "_owner_email_matched", "value_set": [True]},
                "crm_email_match",
                blocking=False,
                description="owner e-mail matches no employee",
                about="owner_email",
            )
        )
    if e.kind == "snapshot" and ctx.previous_rows:
        floor = int(ctx.previous_rows * (1 - ctx.collapse_share))
        exp.append(
            Expectation(
                "ExpectTableRowCountToBeBetween",
                {"min_value": floor},
                "row_count_collapse",
                description=f"at least {floor} rows (previous good batch: {ctx.previous_rows})",
            )
        )
    return Suite(f"raw.{e.raw_table}", tuple(exp))
