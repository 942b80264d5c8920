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
from lpss_pipeline.contract import entity as contract_entity

SQL_REFERENCE = tuple(Path(__file__).with_name(name) for name in ("reference_staging.sql", "reference.sql"))
"""Staging and calendar, then the three outputs: one script in two files, run in order."""
SCHEMA = "bench_ref"
# Reference output -> the published mart it reproduces.
OUTPUTS = {
    "leader_scorecards": "fct_leader_scorecards",
    "succession_coverage": "fct_succession_coverage",
    "kpis": "fct_kpis",
}
HRIS_READ = (
    "employees", "departments", "positions", "succession_nominations", "mentor_assignments",
    "goal_attainment", "competency_assessments", "engagement_surveys", "one_on_one_feedback", "trainings",
    "idp_milestones", "mentoring_sessions", "strategic_impact_ratings", "readiness_assessments", "promotions",
)  # fmt: skip
USED = (*(("hris", name) for name in HRIS_READ), ("crm", "team_revenue"))
"""The raw entities the references read; their kinds and natural keys come from the contract."""
CONFIG = ["lpss_parameters", "scorecard_metrics", "scorecard_categories", "score_bands", "kpi_definitions"]
CONFIG += ["leadership_levels", "tracked_entities", "computed_inputs"]


def run_sql_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Execute the SQL reference: (re)creates schema bench_ref with one table per OUTPUTS key."""
    for script in SQL_REFERENCE:
        con.execute(script.read_text())


def run_pandas_reference(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Read the raw and config tables whole and compute the OUTPUTS in pandas."""
    return reference_pandas.compute(load_frames(con))


def load_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """Every raw table whole, staged in pandas as dbt's staging does (rows of quarantined batches out; a
    snapshot is its latest good batch; per event key the row of the latest batch, then of the file's
    last row, wins), plus the configuration tables, keyed by entity or file name."""
    quarantined = con.execute("select system, batch_id from ops.quarantined_batches").df()
    frames = {}
    for system, entity in USED:
        declared = contract_entity(system, entity)
        key = None if declared.kind == "snapshot" else list(declared.key)
        raw = con.execute(f"select * from raw.{declared.raw_table}").df()
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
