"""Train, register, gate and predict on a small organisation, through the real pipeline.

One `pipeline_job` run (real Dagster, dbt, DuckDB and a real MLflow sqlite store in a temporary
LPSS_HOME) trains the first champion and publishes its predictions. The tests then train again
beside it: the same seed must reproduce the run, a deliberately worse model must be registered
but not crowned, and predictions must follow the ``champion`` alias wherever it points.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import mlflow
import pandas as pd
import pytest

from lpss_pipeline.runner import run_job
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.generate import generate_history
from lpss_pipeline.synthetic.truth import TRUTH_FILE
from ml.champion import train_and_register
from ml.forecast import predict_with_champion
from ml.frames import read_frame, read_parameters
from ml.predict import PREDICTION_COLUMNS
from ml.tracking import CHAMPION, MODEL_NAME, Tracking
from ml.training import TrainingParams
from tests.homes import settings_for, use


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """30 months of a 300-person organisation (18 with known outcomes), run through pipeline_job."""
    mp = pytest.MonkeyPatch()
    settings = use(mp, settings_for(tmp_path_factory.mktemp("readiness_home")))
    settings.ensure()
    generate_history(
        settings.landing_dir, settings.truth_dir, employees=300, months=30, as_of=date(2026, 6, 15), seed=5
    )
    outcome = run_job(settings, "pipeline_job", instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, outcome.failures
    tracking = Tracking(settings.mlflow_tracking_uri, settings.mlartifacts_dir)
    client = tracking.activate()
    yield settings, tracking, client
    mp.undo()


def warehouse(settings: Settings, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.warehouse_path), read_only=read_only)


def published(settings: Settings, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return con.execute(sql).df()


def retrain(settings: Settings, tracking: Tracking, params: TrainingParams | None = None):
    with warehouse(settings) as con:
        frame, parameters = read_frame(con), read_parameters(con)
    return train_and_register(frame, parameters, tracking, settings.truth_dir / TRUTH_FILE, params)


def first_run(client) -> mlflow.entities.Run:
    [version] = client.search_model_versions(f"name = '{MODEL_NAME}' and version_number = 1")
    return client.get_run(version.run_id)


def test_the_pipeline_trains_registers_a_champion_and_publishes_its_predictions(org):
    settings, _, client = org
    champion = client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    assert str(champion.version) == "1"
    run = first_run(client)
    metrics = run.data.metrics
    assert run.data.tags["champion_decision"] == "promoted"
    assert metrics["val_roc_auc"] > metrics["rule_val_roc_auc"]
    assert {"val_pr_auc", "val_brier", "rule_val_roc_auc", "oracle_val_roc_auc"} <= set(metrics)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {
        "calibration.png",
        "feature_importance.png",
        "backtest.csv",
        "champion_decision.json",
    } <= artifacts

    readiness = published(settings, "SELECT * FROM marts.fct_promotion_readiness")
    scored = readiness[readiness["promotion_probability"].notna()]
    assert len(scored) > 0 and set(scored["model_version"]) == {"1"}
    assert scored["promotion_probability"].between(0, 1).all()
    # the latest month is explained; earlier months carry probabilities only (ml/predict.py)
    tops = scored[["top_feature_1", "top_feature_2", "top_feature_3"]]
    latest = pd.to_datetime(scored["month"]) == pd.to_datetime(scored["month"]).max()
    assert tops[latest].notna().all().all() and tops[~latest].isna().all().all()
    # only the months after the training window are scored: in-sample output is not a forecast
    train_end = pd.Timestamp(champion.tags["train_end_month"])
    assert (pd.to_datetime(scored["month"]) > train_end).all()
    assert (
        pd.to_datetime(readiness.loc[readiness["promotion_probability"].isna(), "month"]) <= train_end
    ).any()
    bench = published(settings, "SELECT count(promotion_probability) AS n FROM marts.fct_leadership_bench")
    assert bench["n"][0] > 0


def test_the_backtest_mart_repeats_the_figures_logged_on_the_champion_run(org):
    settings, _, client = org
    run = first_run(client)
    logged = pd.read_csv(
        mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="backtest.csv")
    )
    logged["quarter"] = pd.to_datetime(logged["quarter"])
    mart = published(settings, "SELECT * FROM marts.fct_readiness_backtest")
    mart["quarter"] = pd.to_datetime(mart["quarter"])
    counts = ["people", "called_ready", "promoted", "called_ready_and_promoted"]
    joined = logged.merge(mart, on=["quarter", "method"], suffixes=("_run", "_mart"))
    assert len(joined) == len(logged) == len(mart) > 0
    for column in counts:
        assert (joined[f"{column}_run"] == joined[f"{column}_mart"]).all(), column
    assert set(mart["method"]) == {"model", "rule"}


def test_training_again_with_the_same_seed_reproduces_the_run_and_keeps_the_champion(org):
    settings, tracking, client = org
    outcome = retrain(settings, tracking)
    first = first_run(client).data.metrics
    for name in ("val_roc_auc", "val_pr_auc", "val_brier", "rule_val_roc_auc"):
        assert outcome.metrics[name] == pytest.approx(first[name], abs=1e-12), name
    assert not outcome.decision.promote  # equal is not better
    assert str(client.get_model_version_by_alias(MODEL_NAME, CHAMPION).version) == "1"


def test_a_worse_model_is_registered_but_does_not_become_champion(org):
    settings, tracking, client = org
    outcome = retrain(settings, tracking, TrainingParams(features=("tenure_months",)))
    assert outcome.metrics["val_roc_auc"] < outcome.metrics["champion_val_roc_auc"]
    # kept out by the gate: below the champion, and here below the rule too (which the gate checks first)
    assert not outcome.decision.promote and "does not beat" in outcome.decision.reason
    assert str(client.get_model_version_by_alias(MODEL_NAME, CHAMPION).version) == "1"
    assert client.get_model_version(MODEL_NAME, outcome.version).tags["features"] == "tenure_months"
    run = client.get_run(outcome.run_id)
    assert run.data.tags["champion_decision"] == "kept"
    decision = mlflow.artifacts.load_dict(f"{run.info.artifact_uri}/champion_decision.json")
    assert decision["promoted"] is False and decision["previous_champion_version"] == "1"


def test_predictions_are_read_through_the_champion_alias(org):
    settings, tracking, client = org
    worse = retrain(settings, tracking, TrainingParams(features=("months_in_level",)))
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, worse.version)
    try:
        with warehouse(settings, read_only=False) as con:
            forecast = predict_with_champion(con, tracking)
            rows = con.execute("SELECT * FROM ml.readiness_predictions").df()
            frame = read_frame(con)
        assert forecast.model_version == worse.version and forecast.rows == len(rows) > 0
        assert set(rows["model_version"]) == {worse.version}
        assert set(rows["top_feature_1"].dropna()) == {"months_in_level"}
        # a one-feature model: equal inputs, equal probabilities
        rows["month"] = pd.to_datetime(rows["month"])
        merged = rows.merge(frame, on=["employee_id", "month"])
        assert merged.groupby("months_in_level")["promotion_probability"].nunique().max() == 1
    finally:
        client.set_registered_model_alias(MODEL_NAME, CHAMPION, "1")


def test_only_months_whose_inputs_or_champion_changed_are_scored_again(org):
    settings, tracking, client = org
    with warehouse(settings, read_only=False) as con:
        predict_with_champion(con, tracking)  # (the test above pointed the champion elsewhere)
        first = predict_with_champion(con, tracking)
        assert first.months_scored == 0 and first.months_reused > 1
        before = con.execute("SELECT * FROM ml.readiness_predictions ORDER BY month, employee_id").df()
        month = before["month"].min()
        con.execute(  # a correction in one month's inputs
            "UPDATE ml.readiness_features SET tenure_months = tenure_months + 12 WHERE month = ?", [month]
        )
        try:
            again = predict_with_champion(con, tracking)
            after = con.execute("SELECT * FROM ml.readiness_predictions ORDER BY month, employee_id").df()
        finally:
            con.execute(
                "UPDATE ml.readiness_features SET tenure_months = tenure_months - 12 WHERE month = ?", [month]
            )
    assert (again.months_scored, again.months_reused) == (1, first.months_reused - 1)
    assert len(after) == len(before) and again.rows == first.rows
    untouched = before["month"] != month
    pd.testing.assert_frame_equal(after[untouched], before[untouched])
    assert (after.loc[~untouched, "scored_at"] > before.loc[~untouched, "scored_at"]).all()
    worse = retrain(settings, tracking, TrainingParams(features=("months_in_level",)))
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, worse.version)
    try:  # a new champion scores everything
        with warehouse(settings, read_only=False) as con:
            crowned = predict_with_champion(con, tracking)
        assert crowned.months_reused == 0 and crowned.months_scored == first.months_reused
    finally:
        client.set_registered_model_alias(MODEL_NAME, CHAMPION, "1")


def test_the_prediction_table_dbt_creates_has_the_shape_the_model_writes(org):
    settings, _, _ = org
    with warehouse(settings) as con:
        columns = con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name = 'ml' AND table_name = 'readiness_predictions' ORDER BY column_index"
        ).fetchall()
    assert columns == list(PREDICTION_COLUMNS.items())


def test_the_tracking_store_defaults_into_lpss_home(org):
    settings, _, _ = org
    assert settings.mlflow_tracking_uri == f"sqlite:///{settings.home / 'mlflow.db'}"
    assert Path(settings.home / "mlflow.db").exists()
    assert any(settings.mlartifacts_dir.rglob("MLmodel"))
