"""The mart suites, run after every dbt build and before publishing (SPEC section 10).

Invariants the published marts must keep: every score within 0-100, the weights of every
category summing to 1, one scorecard per leader per month of tenure, coverage within 0-100%.
"""

from __future__ import annotations

from .spec import Expectation, Suite

SCORE_COLUMNS = (
    "performance_score",
    "engagement_score",
    "development_score",
    "strategic_impact_score",
    "composite_score",
)
WEIGHT_SLACK = 1e-9


def _between(column: str, lo: float, hi: float, check: str) -> Expectation:
    return Expectation(
        "ExpectColumnValuesToBeBetween", {"column": column, "min_value": lo, "max_value": hi}, check
    )


def leader_scorecards(leader_months: int) -> Suite:
    """``leader_months``: employee-months at level >= 1 (int_employee_months), the rows expected."""
    return Suite(
        "marts.fct_leader_scorecards",
        (
            Expectation(
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": ["employee_id", "month"]},
                "one_per_leader_month",
            ),
            Expectation(
                "ExpectTableRowCountToEqual",
                {"value": leader_months},
                "one_per_leader_month",
                description="one scorecard per leader per month of tenure",
            ),
            *(_between(c, 0, 100, "score_range") for c in SCORE_COLUMNS),
        ),
    )


def scorecard_metrics() -> Suite:
    """Helper column ``_category_weight_sum``: weight_in_category summed per leader, month, category."""
    return Suite(
        "marts.fct_scorecard_metrics",
        (
            _between("metric_score", 0, 100, "score_range"),
            _between("_category_weight_sum", 1 - WEIGHT_SLACK, 1 + WEIGHT_SLACK, "weights_sum_to_one"),
        ),
    )


def succession_coverage() -> Suite:
    """Rows of fct_kpis for the coverage KPIs, which are shares and must lie within 0-100%."""
    return Suite("marts.fct_kpis.coverage", (_between("value", 0, 100, "coverage_range"),))
