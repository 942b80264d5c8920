"""No leakage: a month's features are built only from data dated on or before it.

Builds ml.readiness_features on a small organisation, then rewrites every raw row dated after a
cut-off month (other metric values, other ratings, missed sessions, later promotions, other
nominations...) and builds again: the features of the months up to the cut-off must not move,
while those after it must (so the rewrite did reach the features).
"""

from __future__ import annotations

import os
import subprocess
from datetime import date

import duckdb
import pandas as pd
import pytest

from lpss_pipeline.assets.dbt import DBT_EXECUTABLE
from lpss_pipeline.config.tables import write_tables
from lpss_pipeline.config.validate import validated_configuration
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.resources import file_resources
from lpss_pipeline.settings import DBT_PROJECT_DIR, Settings
from lpss_pipeline.synthetic.generate import generate_history

CUT_MONTH = "2025-06-01"
CUT = "DATE '2025-06-30'"  # the cut-off month's last day

# raw table: (new values, which rows: those dated after the cut-off)
LATER_ROWS = {
    "hris__goal_attainment": ("goal_attainment_pct = 200 - goal_attainment_pct", f"month > {CUT}"),
    "hris__one_on_one_feedback": ("feedback_completed = 0", f"month > {CUT}"),
    "hris__engagement_surveys": ("team_satisfaction = 6 - team_satisfaction", f"survey_quarter > {CUT}"),
    "hris__strategic_impact_ratings": ("project_execution = 1, innovation = 5", f"quarter > {CUT}"),
    "hris__competency_assessments": ("rating = 6 - rating", f"month > {CUT}"),
    "hris__trainings": ("completed_on = NULL", f"due_date > {CUT} OR completed_on > {CUT}"),
    "hris__idp_milestones": ("completed_on = NULL", f"due_date > {CUT} OR completed_on > {CUT}"),
    "hris__mentoring_sessions": ("status = 'missed'", "scheduled_at >= TIMESTAMPTZ '2025-07-02'"),
    "hris__readiness_assessments": ("assessed_ready = NOT assessed_ready", f"assessed_on > {CUT}"),
    "hris__succession_nominations": ("readiness = 'ready_now'", f"nominated_on > {CUT}"),
    "hris__promotions": ("effective_date = effective_date + 10", f"effective_date > {CUT}"),
    "hris__mentor_assignments": ("planned_sessions_per_month = 4", f"start_date > {CUT}"),
    "crm__team_revenue": ("revenue = revenue * 3", f"month > {CUT}"),
}


def build_features(settings: Settings, scratch) -> pd.DataFrame:
    """The default configuration, then `dbt run` of readiness_features and its parents, into a private
    target folder."""
    with duckdb.connect(str(settings.warehouse_path)) as con:
        write_tables(con, validated_configuration(settings.config_dir))
    env = {**os.environ, "LPSS_WAREHOUSE_PATH": str(settings.warehouse_path)}
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    common += ["--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"), "--quiet"]
    command = ["run", "--select", "+readiness_features"]
    subprocess.run([DBT_EXECUTABLE, *command, *common], env=env, check=True, cwd=DBT_PROJECT_DIR)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        frame = con.execute("SELECT * FROM ml.readiness_features").df()
    return frame.sort_values(["employee_id", "month"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    home = tmp_path_factory.mktemp("leakage_home")
    settings = Settings(home=home, landing_dir=home / "landing")
    generate_history(
        settings.landing_dir, settings.truth_dir, employees=300, months=30, as_of=date(2026, 6, 15), seed=9
    )
    resources = file_resources(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        report = load_pending(
            con, settings.landing_dir, settings.receipts_dir, resources["quality"].quarantine
        )
    assert len(report.of("loaded")) == 2
    return settings


def test_rows_dated_after_a_month_do_not_change_its_features(settings, tmp_path):
    before = build_features(settings, tmp_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        changed = sum(
            con.execute(f'UPDATE raw."{table}" SET {values} WHERE {rows}').fetchone()[0]
            for table, (values, rows) in LATER_ROWS.items()
        )
    assert changed > 1000
    after = build_features(settings, tmp_path)

    cut = pd.Timestamp(CUT_MONTH)
    early = before["month"] <= cut
    assert early.sum() > 1000 and (~early).sum() > 1000
    pd.testing.assert_frame_equal(
        before[early].reset_index(drop=True),
        after[after["month"] <= cut].reset_index(drop=True),
        check_exact=False,
        rtol=1e-9,
    )
    later = before[~early].reset_index(drop=True)
    moved = after[after["month"] > cut].reset_index(drop=True)
    assert len(later) == len(moved)
    differing = [c for c in later.columns if not later[c].equals(moved[c])]
    assert {"composite_score", "competency_avg", "idp_on_schedule_pct"} <= set(differing)
