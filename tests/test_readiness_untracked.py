"""The readiness model when the organisation does not track what it learns from, or has too little of it.

No pipeline run: the two Dagster assets are materialized over a small DuckDB warehouse holding only
what they read (config.lpss_parameters, config.tracked_entities, ml.readiness_features and
ml.readiness_labels), so the not-trained paths are checked in seconds. Training must not fail the
run: the model asset completes saying why, the champion stays, and predictions are left unknown.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from lpss_pipeline.assets.readiness import readiness_model, readiness_predictions
from lpss_pipeline.resources import MlflowResource, WarehouseResource
from ml.frames import FEATURES, LABEL, NotEnoughHistory, NotTracked, split_by_time, trainable_features
from tests.test_readiness_units import person_months

PARAMETERS = {
    "readiness_probability_threshold": 0.25,
    "readiness_target_composite": 85,
    "readiness_validation_months": 12,
    "readiness_training_max_rows": 3_000_000,
}


def warehouse_with(path: Path, frame: pd.DataFrame, untracked: tuple[str, ...] = ()) -> None:
    """A warehouse with the model's inputs; ``untracked`` HRIS entities marked tracked = false."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema config")
        con.execute("create schema ml")
        con.execute("create table config.lpss_parameters (parameter varchar, value double)")
        con.executemany("insert into config.lpss_parameters values (?, ?)", list(PARAMETERS.items()))
        con.execute("create table config.tracked_entities (system varchar, entity varchar, tracked boolean)")
        con.executemany(
            "insert into config.tracked_entities values ('hris', ?, ?)",
            [(e, e not in untracked) for e in ("promotions", "competency_assessments", "employees")],
        )
        con.register("frame", frame)
        features = ", ".join(FEATURES)
        con.execute(f"create table ml.readiness_features as select employee_id, month, {features} from frame")
        labels = f"employee_id, month, window_closed, {LABEL}"
        con.execute(f"create table ml.readiness_labels as select {labels} from frame")
        con.unregister("frame")
        con.execute("create table ml.readiness_predictions (employee_id varchar, month date)")
        con.execute("insert into ml.readiness_predictions values ('E0001', date '2024-01-01')")  # a stale one


def materialize(tmp_path: Path) -> dict[str, dict]:
    resources = {
        "warehouse": WarehouseResource(
            path=str(tmp_path / "warehouse.duckdb"), published_path=str(tmp_path / "published.duckdb")
        ),
        "mlflow": MlflowResource(
            tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}", artifacts_dir=str(tmp_path / "mlartifacts")
        ),
    }
    result = dg.materialize([readiness_model, readiness_predictions], resources=resources)
    assert result.success, "not training is not a failure"
    return {
        "/".join(event.asset_key.path): {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }


def predictions(tmp_path: Path) -> int:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from ml.readiness_predictions").fetchone()[0]


def test_untracked_promotions_train_nothing_and_leave_readiness_unknown(tmp_path):
    warehouse_with(tmp_path / "warehouse.duckdb", person_months(30), untracked=("promotions",))
    metadata = materialize(tmp_path)
    model, forecast = metadata["ml/readiness_model"], metadata["ml/readiness_predictions"]
    assert model["trained"] is False
    assert model["reason"].startswith("not trained: hris.promotions is not tracked")
    assert forecast["rows"] == 0 and forecast["champion_version"] == "none"
    assert "hris.promotions is not tracked" in forecast["reason"]
    assert predictions(tmp_path) == 0, "a forecast of untracked promotions is not kept"
    assert not (tmp_path / "mlflow.db").exists(), "nothing registered, no champion moved"


def test_no_promotion_in_the_labels_trains_nothing_and_says_how_many_rows(tmp_path):
    frame = person_months(30)
    frame[LABEL] = frame[LABEL].where(~frame["window_closed"], False)  # every known outcome: not promoted
    warehouse_with(tmp_path / "warehouse.duckdb", frame)
    metadata = materialize(tmp_path)
    model, forecast = metadata["ml/readiness_model"], metadata["ml/readiness_predictions"]
    labelled = int(frame["window_closed"].sum())
    assert model["trained"] is False
    assert model["reason"].startswith(f"not trained: not enough labelled rows: {labelled} ")
    assert forecast["rows"] == 0 and "no champion" in forecast["reason"]


def test_a_history_without_any_known_outcome_is_not_enough_labelled_rows():
    frame = person_months(10, closed=0)
    with pytest.raises(NotEnoughHistory, match="not enough labelled rows: 0 of 4000"):
        split_by_time(frame, validation_months=12)


def test_a_handful_of_promotions_is_not_enough_to_judge_a_model():
    frame = person_months(30, people=40)
    promoted = frame.index[frame[LABEL].fillna(False).astype(bool)]
    frame.loc[promoted[5:], LABEL] = False  # five promotions in all
    with pytest.raises(NotEnoughHistory, match="not enough labelled rows"):
        split_by_time(frame, validation_months=12)


def test_features_from_untracked_entities_are_left_out_and_untracked_labels_stop_training():
    features, left_out = trainable_features(frozenset({("hris", "competency_assessments")}))
    assert left_out == {
        "hris.competency_assessments": [
            "competency_avg",
            "competency_min",
            "competency_human_avg",
            "competency_technical_avg",
        ]
    }
    assert not any(f.startswith("competency_") for f in features) and "composite_score" in features
    assert trainable_features(frozenset()) == (FEATURES, {})
    with pytest.raises(NotTracked, match=r"hris\.promotions is not tracked"):
        trainable_features(frozenset({("hris", "promotions"), ("hris", "trainings")}))
