"""Run the two hand-written references of `lpss bench` over the warehouse's raw.* and config.* tables.

They recompute the scorecard, succession coverage and KPIs without dbt, so the benchmark can say what
the dbt build costs against the same work written by hand; tests/test_bench_references.py proves they
agree with the marts, so the timings compare like with like.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from lpss_pipeline.bench import reference_pandas

SQL_REFERENCE = Path(__file__).with_name("reference.sql")
SCHEMA = "bench_ref"
# Reference output -> the published mart it reproduces.
OUTPUTS = {
    "leader_scorecards": "fct_leader_scorecards",
    "succession_coverage": "fct_succession_coverage",
    "kpis": "fct_kpis",
}
EMP = "employee_id"
# (system, entity) -> natural key of an event entity, or None for a snapshot entity (SPEC section 2).
RAW = {
    ("hris", "employees"): None,
    ("hris", "departments"): None,
    ("hris", "positions"): None,
    ("hris", "succession_nominations"): None,
    ("hris", "mentor_assignments"): None,
    ("hris", "goal_attainment"): [EMP, "month"],
    ("hris", "competency_assessments"): [EMP, "month", "competency_id"],
    ("hris", "engagement_surveys"): ["leader_employee_id", "survey_quarter"],
    ("hris", "one_on_one_feedback"): ["leader_employee_id", "month"],
    ("hris", "trainings"): [EMP, "course_id", "assigned_on"],
    ("hris", "idp_milestones"): ["milestone_id"],
    ("hris", "mentoring_sessions"): ["session_id"],
    ("hris", "strategic_impact_ratings"): ["leader_employee_id", "quarter"],
    ("hris", "readiness_assessments"): [EMP, "assessed_on"],
    ("hris", "promotions"): [EMP, "effective_date"],
    ("crm", "team_revenue"): ["owner_email", "month"],
}
CONFIG = ["lpss_parameters", "scorecard_metrics", "scorecard_categories", "score_bands", "kpi_definitions"]
CONFIG += ["leadership_levels"]


def run_sql_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Execute reference.sql: (re)creates schema bench_ref with one table per OUTPUTS key."""
    con.execute(SQL_REFERENCE.read_text())


def run_pandas_reference(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Read the raw and config tables whole and compute the OUTPUTS in pandas."""
    return reference_pandas.compute(load_frames(con))


def load_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every raw table whole, staged in pandas as dbt's staging does (rows of quarantined batches out; a
    snapshot is its latest good batch; per event key the row of the latest batch, then of the file's
    last row, wins), plus the configuration seeds, keyed by entity or seed name."""
    quarantined = con.execute("select system, batch_id from ops.quarantined_batches").df()
    frames = {}
    for (system, entity), key in RAW.items():
        raw = con.execute(f"select * from raw.{system}__{entity}").df()
        good = raw[~raw["_batch_id"].isin(quarantined.loc[quarantined["system"] == system, "batch_id"])]
        if key is None:
            good = good[good["_batch_id"] == good["_batch_id"].max()]
        else:
            good = good.sort_values(["_batch_id", "_source_row"]).drop_duplicates(key, keep="last")
        frames[entity] = good.reset_index(drop=True)
    for name in CONFIG:
        frames[name] = con.execute(f"select * from config.{name}").df()
    for frame in frames.values():  # one datetime unit everywhere, so any two date columns compare and merge
        for column in frame.columns[[d.kind == "M" and getattr(d, "tz", None) is None for d in frame.dtypes]]:
            frame[column] = frame[column].astype("datetime64[ns]")
    frames["employees"]["email_normalized"] = frames["employees"]["email"].str.strip(" ").str.lower()
    utc = frames["mentoring_sessions"]["scheduled_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    frames["mentoring_sessions"]["scheduled_on"] = utc.dt.normalize().astype("datetime64[ns]")
    return frames
