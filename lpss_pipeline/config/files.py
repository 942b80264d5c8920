"""Every configuration file the organisation owns, what each column must hold, and reading one.

A file is read whole and every broken value reported at once (``ConfigError``), each as
``<file> row <n>, column <name>: <rule>``; the row is the spreadsheet's row (the header is row 1).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from lpss_pipeline.config.columns import FileSpec, boolean, choice, integer, number, text

LEVEL = (1, 4)
CATEGORIES = ("performance", "engagement", "development", "strategic_impact")
"""The scorecard categories lpss computes; an organisation chooses which it uses, their weights and
which metric scores in which."""
RECIPIENTS = ("hr", "executives", "data", "direct_manager", "executive_sponsor", "subject", "mentor")

FILES: dict[str, FileSpec] = {
    "scorecard_categories": FileSpec(
        (
            choice("category", *CATEGORIES),
            number("weight", 0, 1),
            integer("display_order"),
            text("description", required=False),
        ),
        ("category",),
        "Scorecard categories and their weights in the composite; the weights sum to 1.",
    ),
    "scorecard_metrics": FileSpec(
        (
            choice("category", *CATEGORIES),
            number("weight_in_category", 0, 1),
            number("floor"),
            number("target"),
            choice("applies_to", "all", "revenue_generating"),
            text("description", required=False),
        ),
        ("metric_id",),
        "The metrics scored, each in one configured category, with its weight there (summing to 1 per "
        "category) and the floor and target of its 0-100 score.",
    ),
    "score_bands": FileSpec(
        (
            number("min_composite", 0, 100, required=False),
            number("max_composite", 0, 100, required=False),
            boolean("is_ready"),
            text("description", required=False),
        ),
        ("band",),
        "Bands read from the composite rounded to one decimal; min inclusive, max exclusive.",
    ),
    "leadership_levels": FileSpec(
        (
            integer("leadership_level", 0, None),
            text("level_name"),
            boolean("is_leader"),
            integer("time_to_promotion_standard_days", 1, None, required=False),
        ),
        ("leadership_level",),
        "Level names, which levels are leaders, and the Time-to-Promotion standard of each level.",
    ),
    "competency_framework": FileSpec(
        (text("competency_name"), choice("competency_kind", "human", "technical"), text("definition")),
        ("competency_id",),
        "The competency framework, one row per competency.",
    ),
    "competency_experience_bank": FileSpec(
        (text("competency_id"), choice("recommendation_kind", "on_the_job", "book"), text("recommendation")),
        ("competency_id", "recommendation"),
        "Ways to practise each competency on the job, and books, offered for a person's weakest gaps.",
    ),
    "competency_interview_questions": FileSpec(
        (text("competency_id"), integer("question_number", 1, 3), text("question")),
        ("competency_id", "question_number"),
        "Three behavioural interview questions per competency.",
    ),
    "level_competency_expectations": FileSpec(
        (integer("target_level", *LEVEL), text("competency_id"), integer("expected_rating", 1, 5)),
        ("target_level", "competency_id"),
        "The rating (1-5) a person needs in each competency to be ready for a target level.",
    ),
    "development_path_standards": FileSpec(
        (
            integer("target_level", *LEVEL),
            choice(
                "milestone_type",
                "skill",
                "project",
                "certification",
                "training",
                "mentoring",
                "stretch_assignment",
            ),
            text("title"),
            text("competency_id", required=False),
            integer("expected_within_months", 1, 36),
        ),
        ("milestone_code",),
        "The standard development path per target level, one row per milestone.",
    ),
    "kpi_definitions": FileSpec(
        (
            text("kpi_name"),
            choice("cadence", "monthly", "quarterly", "annual"),
            choice("aggregation", "mean", "ratio_pct", "ratio", "count"),
            number("target", required=False),
            choice("comparison", ">=", "<="),
            text("unit"),
            text("description", required=False),
        ),
        ("kpi_id",),
        "The KPIs reported: cadence, aggregation, target and comparison; a KPI left out is not reported.",
    ),
    "alert_rules": FileSpec(
        (
            choice("severity", "critical", "warning", "info"),
            text("title"),
            text("description", required=False),
            text("next_step"),
            choice("data_scope", "scorecard", "development", "succession", "operations"),
        ),
        ("rule_id",),
        "Alert rules: severity, the title and next step their messages carry, and the grant that shows them.",
    ),
    "alert_routing": FileSpec(
        (text("rule_id"), choice("recipient_kind", "channel", "user"), choice("recipient_role", *RECIPIENTS)),
        ("rule_id", "recipient_kind", "recipient_role"),
        "Who hears about each rule: channel roles (alert_channels) and people relative to the subject.",
    ),
    "alert_channels": FileSpec(
        (text("slack_channel"), text("description", required=False)),
        ("channel_role",),
        "The Slack channel of each channel role.",
    ),
    "access_roles": FileSpec(
        (text("employee_id"), choice("role", "hr_admin", "executive"), text("note", required=False)),
        ("employee_id", "role"),
        "People with organisation-wide access: hr_admin and executive (active level-4 people are executives "
        "without being listed).",
    ),
    "lpss_parameters": FileSpec(
        (number("value"), text("description", required=False)),
        ("parameter",),
        "Named business parameters: thresholds, windows, capacities.",
    ),
    "data_quality_rules": FileSpec(
        (number("value", 0), text("description", required=False)),
        ("rule",),
        "Tolerances and thresholds of the daily data-integrity checks.",
    ),
    "tracked_entities": FileSpec(
        (text("entity"), boolean("tracked"), text("note", required=False)),
        ("system", "entity"),
        "The export entities the organisation tracks. An untracked entity may be absent from every batch, "
        "and everything computed from it says not_tracked.",
    ),
}
"""Each file's key columns come first in the file; ``FileSpec.columns`` are the others (the key's
own columns are text unless re-declared there)."""


class ConfigError(ValueError):
    """A configuration file breaks its rules; ``problems`` names file, row and column for each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def columns_of(name: str) -> tuple:
    """All columns of a file in order: key columns (text unless declared) then the others."""
    spec = FILES[name]
    declared = {c.name: c for c in spec.columns}
    return (
        *(declared.get(k) or text(k) for k in spec.key),
        *(c for c in spec.columns if c.name not in spec.key),
    )


@cache
def _read(path: Path, _mtime_ns: int, _size: int) -> tuple[dict[str, str], ...]:
    name = path.stem
    label = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            lines = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ConfigError([f"{label}: cannot be read as UTF-8 CSV ({error})"]) from error
    columns = columns_of(name)
    problems = [
        f"{label} row 1: column {c.name!r} is missing" for c in columns if c.required and c.name not in header
    ]
    known = {c.name for c in columns}
    problems += [f"{label} row 1: column {h!r} is not a column of {label}" for h in header if h not in known]
    if problems:
        raise ConfigError(problems)
    rows, seen = [], {}
    for number_, line in enumerate(lines, start=2):
        if not any(v.strip() for v in line):
            continue
        if len(line) != len(header):
            problems.append(f"{label} row {number_}: has {len(line)} values for {len(header)} columns")
            continue
        raw = dict(zip(header, (v.strip() for v in line), strict=True))
        row = {}
        for column in columns:
            problem, row[column.name] = column.problem(raw.get(column.name, ""))
            if problem:
                problems.append(f"{label} row {number_}, column {column.name}: {problem}")
        key = tuple(row[k] for k in FILES[name].key)
        if key in seen:
            columns_named = ", ".join(FILES[name].key)
            problems.append(
                f"{label} row {number_}, column {columns_named}: {'/'.join(key)} repeats row {seen[key]}"
            )
        seen.setdefault(key, number_)
        rows.append(row)
    if problems:
        raise ConfigError(problems)
    return tuple(rows)


def read_validated(path: Path) -> tuple[dict[str, str], ...]:
    """The rows of a configuration file, each value checked against its column (cached per version)."""
    if path.stem not in FILES:
        raise ConfigError([f"{path.name}: not a configuration file ({', '.join(sorted(FILES))}.csv)"])
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)
