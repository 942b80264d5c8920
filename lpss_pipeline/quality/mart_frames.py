"""The frames the mart suites run on, read from the freshly built marts in SQL."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd

from expectations.marts import SCORE_COLUMNS

# KPIs that are shares of a whole (the ISO successor ratio and mentorship engagement may exceed 100).
COVERAGE_KPIS = ("succession_coverage", "emergency_successor_coverage")


def leader_months(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM intermediate.int_employee_months WHERE is_leader").fetchone()[0]


def frames(con: duckdb.DuckDBPyConnection, rows_per_part: int) -> Iterator[tuple[str, pd.DataFrame]]:
    """(suite name, frame) pairs, each frame with ``_source_row`` (the row's position in its part).

    The metric rows (about ten per leader-month) come in parts of whole leaders, one at a time: at
    2,000,000 employees they would not fit in memory at once. The other suites hold table-level
    expectations (row counts) and are small: they come whole, with only the columns checked."""
    metrics_rows = con.execute("SELECT count(*) FROM marts.fct_scorecard_metrics").fetchall()[0][0]
    parts = max(1, -(-metrics_rows // rows_per_part))
    queries = [
        (
            "marts.fct_leader_scorecards",
            f"SELECT employee_id, month, {', '.join(SCORE_COLUMNS)} FROM marts.fct_leader_scorecards",
        ),
        *(
            (
                "marts.fct_scorecard_metrics",
                f"""SELECT metric_score, _category_weight_sum FROM (
                    SELECT employee_id, metric_score,
                        sum(weight_in_category) OVER (PARTITION BY employee_id, month, category)
                        AS _category_weight_sum
                    FROM marts.fct_scorecard_metrics
                    WHERE hash(employee_id) % {parts} = {part})""",
            )
            for part in range(parts)
        ),
        ("marts.fct_kpis.coverage", f"SELECT * FROM marts.fct_kpis WHERE kpi_id IN {COVERAGE_KPIS}"),
    ]
    for name, sql in queries:
        frame = con.execute(sql).df()
        frame["_source_row"] = range(1, len(frame) + 1)
        yield name, frame
