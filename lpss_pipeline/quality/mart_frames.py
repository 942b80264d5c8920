"""The frames the mart suites run on, read from the freshly built marts in SQL."""

from __future__ import annotations

import duckdb
import pandas as pd

# KPIs that are shares of a whole (the ISO successor ratio and mentorship engagement may exceed 100).
COVERAGE_KPIS = ("succession_coverage", "emergency_successor_coverage")


def leader_months(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM intermediate.int_employee_months WHERE is_leader").fetchone()[0]


def frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Suite name -> frame, each with ``_source_row`` (the row's position) for the findings."""
    queries = {
        "marts.fct_leader_scorecards": "SELECT * FROM marts.fct_leader_scorecards",
        "marts.fct_scorecard_metrics": """
            SELECT metric_score, sum(weight_in_category) OVER (PARTITION BY employee_id, month, category)
                AS _category_weight_sum
            FROM marts.fct_scorecard_metrics""",
        "config.scorecard_categories": "SELECT sum(weight) AS _weight_sum FROM config.scorecard_categories",
        "marts.fct_kpis.coverage": f"SELECT * FROM marts.fct_kpis WHERE kpi_id IN {COVERAGE_KPIS}",
    }
    out = {}
    for name, sql in queries.items():
        frame = con.execute(sql).df()
        frame["_source_row"] = range(1, len(frame) + 1)
        out[name] = frame
    return out
