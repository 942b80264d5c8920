"""Validating the freshly built marts; a blocking failure keeps them from being published."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType

import duckdb

from expectations.gx_run import GxRunner, Outcome, merge_outcomes
from lpss_pipeline.alerting.outbox import Alert, raise_alert
from lpss_pipeline.config import channel, config_values
from lpss_pipeline.ingestion.errors import Finding

from .mart_frames import frames, leader_months


def validate_marts(
    con: duckdb.DuckDBPyConnection, runner: GxRunner, suites: ModuleType, rows_per_part: int | None = None
) -> dict[str, list[Finding]]:
    """Suite name -> findings; posts one missing-data alert when any finding blocks. Metric rows are
    validated ``rows_per_part`` at a time (default: the validation_rows_per_part rule)."""
    by_name = {
        s.name: s
        for s in (
            suites.leader_scorecards(leader_months(con)),
            suites.scorecard_metrics(),
            suites.succession_coverage(),
        )
    }
    now = datetime.now(UTC)
    outcomes: dict[str, list[list[Outcome]]] = {}
    rows_per_part = rows_per_part or int(config_values("data_quality_rules")["validation_rows_per_part"])
    for name, frame in frames(con, rows_per_part):
        outcomes.setdefault(name, []).append(
            runner.validate(frame, by_name[name], run_name=f"marts {now:%Y-%m-%dT%H%M%S}")
        )
    findings: dict[str, list[Finding]] = {}
    for name, parts in outcomes.items():
        findings[name] = [
            Finding(
                name,
                f"{o.expectation.description or o.expectation.check.replace('_', ' ')}: "
                f"{o.unexpected or 'the table'} fail(s) (e.g. {o.sample!r}) [{o.expectation.gx_type}]",
                column=o.expectation.column,
                rows=o.rows,
                affected=o.unexpected,
                check=o.expectation.check,
                blocking=o.expectation.blocking,
            )
            for o in merge_outcomes(parts)
            if not o.success
        ]
    failing = [f for fs in findings.values() for f in fs if f.blocking]
    if failing:
        raise_alert(
            con,
            Alert(
                alert_key=f"missing_data:marts:{now:%Y-%m-%dT%H}",
                rule_id="missing_data",
                channel=channel("data"),
                message="Mart checks failed; the published marts keep their last good state:\n"
                + "\n".join(f"- {f}" for f in failing[:5]),
            ),
        )
    return findings
