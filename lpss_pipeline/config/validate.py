"""The whole configuration, validated across its files before anything reads it.

Single files check their own values (``files.py``); here the rules that tie files together: the
category weights sum to 1, every metric and routing row points at something configured, every
competency reference exists, and the named parameters, KPIs, metrics, alert rules and entities
are ones lpss computes (a misspelt name is an error, not a silently ignored row).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lpss_pipeline.config.files import FILES, ConfigError, read_validated
from lpss_pipeline.config.folder import DEFAULTS_DIR, effective_paths, effective_rows

Rows = tuple[dict[str, str], ...]
WEIGHT_TOLERANCE = 0.001
REQUIRED_ENTITIES = {("hris", "employees"), ("hris", "departments")}
KNOWN_KEYS = {  # file: (key column, whether every default key must be present too)
    "lpss_parameters": ("parameter", False),  # a name left out keeps its default (folder.effective_rows)
    "data_quality_rules": ("rule", False),
    "alert_rules": ("rule_id", True),
    "kpi_definitions": ("kpi_id", False),
    "scorecard_metrics": ("metric_id", False),
}


def _rows_by_line(rows: Rows) -> list[tuple[int, dict[str, str]]]:
    return list(enumerate(rows, start=2))


def _known_names(name: str, files: dict[str, Rows], problems: list[str]) -> None:
    column, complete = KNOWN_KEYS[name]
    known = [r[column] for r in read_validated(DEFAULTS_DIR / f"{name}.csv")]
    present = {r[column] for r in files[name]}
    for line, row in _rows_by_line(files[name]):
        if row[column] not in known:
            problems.append(
                f"{name}.csv row {line}, column {column}: {row[column]!r} is not one lpss knows "
                f"({', '.join(known)})"
            )
    if complete:
        problems += [f"{name}.csv: {column} {k!r} is missing" for k in known if k not in present]


def _weights(files: dict[str, Rows], problems: list[str]) -> None:
    categories = {r["category"] for r in files["scorecard_categories"]}
    total = sum(float(r["weight"]) for r in files["scorecard_categories"])
    if abs(total - 1) > WEIGHT_TOLERANCE:
        problems.append(f"scorecard_categories.csv, column weight: the weights sum to {total:g}, not 1")
    by_category: dict[str, float] = defaultdict(float)
    for line, row in _rows_by_line(files["scorecard_metrics"]):
        if row["category"] not in categories:
            problems.append(
                f"scorecard_metrics.csv row {line}, column category: {row['category']!r} is not a category "
                "of scorecard_categories.csv"
            )
        by_category[row["category"]] += float(row["weight_in_category"])
        if float(row["floor"]) >= float(row["target"]):
            problems.append(
                f"scorecard_metrics.csv row {line}, column floor: {row['floor']} is not below the target"
            )
    for category in sorted(categories):
        if category not in by_category:
            problems.append(
                f"scorecard_categories.csv: category {category!r} has no metric in scorecard_metrics.csv"
            )
        elif abs(by_category[category] - 1) > WEIGHT_TOLERANCE:
            problems.append(
                f"scorecard_metrics.csv, column weight_in_category: the weights of {category!r} sum to "
                f"{by_category[category]:g}, not 1"
            )


def _references(files: dict[str, Rows], problems: list[str]) -> None:
    """(file, column) -> (file, column) it must point at; empty values point at nothing."""
    targets = {
        ("competency_experience_bank", "competency_id"): ("competency_framework", "competency_id"),
        ("competency_interview_questions", "competency_id"): ("competency_framework", "competency_id"),
        ("level_competency_expectations", "competency_id"): ("competency_framework", "competency_id"),
        ("level_competency_expectations", "target_level"): ("leadership_levels", "leadership_level"),
        ("development_path_standards", "competency_id"): ("competency_framework", "competency_id"),
        ("development_path_standards", "target_level"): ("leadership_levels", "leadership_level"),
        ("alert_routing", "rule_id"): ("alert_rules", "rule_id"),
    }
    for (name, column), (target, target_column) in targets.items():
        allowed = {r[target_column] for r in files[target]}
        for line, row in _rows_by_line(files[name]):
            if row[column] and row[column] not in allowed:
                problems.append(
                    f"{name}.csv row {line}, column {column}: {row[column]!r} is not a {target_column} "
                    f"of {target}.csv"
                )
    roles = {r["channel_role"] for r in files["alert_channels"]}
    people = {"direct_manager", "executive_sponsor", "subject", "mentor"}
    for line, row in _rows_by_line(files["alert_routing"]):
        wanted = roles if row["recipient_kind"] == "channel" else people
        if row["recipient_role"] not in wanted:
            problems.append(
                f"alert_routing.csv row {line}, column recipient_role: {row['recipient_role']!r} is not a "
                f"{row['recipient_kind']} recipient ({', '.join(sorted(wanted))})"
            )


def _entities(files: dict[str, Rows], problems: list[str]) -> None:
    from lpss_pipeline.contract import SYSTEMS, entities_of

    contract = {(s, e.name) for s in SYSTEMS for e in entities_of(s)}
    untracked = {(r["system"], r["entity"]) for r in files["tracked_entities"] if r["tracked"] == "false"}
    for line, row in _rows_by_line(files["tracked_entities"]):
        pair = (row["system"], row["entity"])
        if pair not in contract:
            problems.append(
                f"tracked_entities.csv row {line}, column entity: {row['system']}.{row['entity']} is not an "
                "entity of the export contract"
            )
        elif row["tracked"] == "false" and pair not in REQUIRED_ENTITIES:
            referring = sorted(
                f"{e.system}.{e.name}"
                for s in SYSTEMS
                for e in entities_of(s)
                if (e.system, e.name) not in untracked
                and any(
                    c.references and (c.references.system, c.references.entity) == pair for c in e.columns
                )
            )
            if referring:
                problems.append(
                    f"tracked_entities.csv row {line}, column tracked: {pair[0]}.{pair[1]} is referred to by "
                    f"{', '.join(referring)}, which the organisation tracks; untrack those too or track it"
                )
        elif pair in REQUIRED_ENTITIES and row["tracked"] == "false":
            problems.append(
                f"tracked_entities.csv row {line}, column tracked: {row['system']}.{row['entity']} "
                "is required"
            )


def _untracked_metrics(files: dict[str, Rows], problems: list[str]) -> None:
    from lpss_pipeline.config.inputs import METRICS

    untracked = {(r["system"], r["entity"]) for r in files["tracked_entities"] if r["tracked"] == "false"}
    for line, row in _rows_by_line(files["scorecard_metrics"]):
        for system, entity in METRICS.get(row["metric_id"], ()):
            if (system, entity) in untracked:
                problems.append(
                    f"scorecard_metrics.csv row {line}, column metric_id: {row['metric_id']} is computed "
                    f"from {system}.{entity}, which tracked_entities.csv does not track; remove the metric "
                    "or track the entity"
                )


def validated_configuration(config_dir: Path) -> dict[str, Rows]:
    """Every configuration file's rows, checked file by file and across files; all problems at once."""
    files: dict[str, Rows] = {}
    problems: list[str] = []
    for name in effective_paths(config_dir):
        try:
            files[name] = effective_rows(name, config_dir)
        except ConfigError as error:
            problems += error.problems
    if problems:  # cross-file rules need every file readable
        raise ConfigError(problems)
    for name in KNOWN_KEYS:
        _known_names(name, files, problems)
    _weights(files, problems)
    _references(files, problems)
    _entities(files, problems)
    _untracked_metrics(files, problems)
    if problems:
        raise ConfigError(problems)
    assert set(files) == set(FILES)
    return files
