"""The readiness model's pure parts: the time split, the gate, fitting, explanations, the backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.champion import decide
from ml.evaluation import backtest, pooled, rule_calls
from ml.frames import FEATURES, LABEL, NotEnoughHistory, split_by_time
from ml.predict import TOP_CONTRIBUTIONS, feature_dmatrix, probabilities, top_contributions
from ml.training import TrainingParams, fit


def person_months(months: int, people: int = 400, closed: int | None = None, seed: int = 3) -> pd.DataFrame:
    """A synthetic frame: promotion odds rise with composite_score and months_in_level."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2023-01-01", periods=months, freq="MS")
    frame = pd.DataFrame(
        {
            "employee_id": np.tile([f"E{i:04d}" for i in range(people)], months),
            "month": np.repeat(starts, people),
        }
    )
    for name in FEATURES:
        frame[name] = rng.normal(size=len(frame))
    frame["composite_score"] = rng.uniform(50, 100, size=len(frame))
    frame.loc[rng.random(len(frame)) < 0.1, "composite_score"] = np.nan
    logit = -4 + 0.08 * (frame["composite_score"].fillna(60) - 75) + 1.2 * frame["months_in_level"]
    closed = months - 12 if closed is None else closed
    frame["window_closed"] = frame["month"] < starts[closed] if closed < months else True
    promoted = pd.Series(rng.random(len(frame)) < 1 / (1 + np.exp(-logit)), dtype="boolean")
    frame[LABEL] = promoted.mask(~frame["window_closed"])
    return frame


def test_split_validates_on_the_latest_labelled_months_and_forecasts_the_open_ones():
    frame = person_months(30)
    split = split_by_time(frame, validation_months=12)
    assert split.train["month"].nunique() == 6 and split.validation["month"].nunique() == 12
    assert split.train["month"].max() < split.validation["month"].min()
    assert split.forecast["month"].nunique() == 12 and not split.forecast["window_closed"].any()
    assert len(split.train) + len(split.validation) + len(split.forecast) == len(frame)
    assert split.describe()["validation_months"] == "2023-07 .. 2024-06"


def test_split_refuses_a_history_too_short_to_train_on_other_months():
    with pytest.raises(NotEnoughHistory, match="5 month"):
        split_by_time(person_months(17), validation_months=5)


@pytest.mark.parametrize(
    ("candidate", "rule", "champion", "promote"),
    [
        (0.80, 0.60, None, True),
        (0.80, 0.60, 0.79, True),
        (0.80, 0.60, 0.80, False),  # a tie keeps the champion
        (0.80, 0.60, 0.85, False),
        (0.60, 0.60, None, False),  # must beat the rule even without a champion
        (0.55, 0.60, 0.50, False),
    ],
)
def test_the_gate_needs_strictly_better_than_rule_and_champion(candidate, rule, champion, promote):
    decision = decide(candidate, rule, champion)
    assert decision.promote is promote
    assert f"{candidate:.4f}" in decision.reason


def test_seeded_fit_reproduces_and_the_probability_is_back_on_the_label_scale():
    split = split_by_time(person_months(30), validation_months=12)
    first, second = (fit(split.train, TrainingParams(n_estimators=60)) for _ in range(2))
    p1 = probabilities(first.classifier, first.features, first.prior_log_odds_shift, split.validation)
    p2 = probabilities(second.classifier, second.features, second.prior_log_odds_shift, split.validation)
    np.testing.assert_array_equal(p1, p2)
    # class weighting would put the mean near 0.5; the prior correction brings it back near the base rate
    base_rate = split.validation[LABEL].mean()
    assert abs(p1.mean() - base_rate) < 0.5 * base_rate
    other = fit(split.train, TrainingParams(n_estimators=60, seed=7))
    assert not np.array_equal(
        p1, probabilities(other.classifier, other.features, other.prior_log_odds_shift, split.validation)
    )


def test_contributions_name_the_three_features_that_moved_each_prediction_most():
    split = split_by_time(person_months(30), validation_months=12)
    model = fit(split.train, TrainingParams(n_estimators=60))
    top = top_contributions(
        model.classifier, model.features, feature_dmatrix(split.validation, model.features)
    )
    assert list(top.columns) == [
        f"top_{kind}_{rank}"
        for rank in range(1, TOP_CONTRIBUTIONS + 1)
        for kind in ("feature", "contribution")
    ]
    assert set(top["top_feature_1"]) <= set(FEATURES)
    magnitudes = top[[f"top_contribution_{r}" for r in range(1, 4)]].abs().to_numpy()
    assert (np.diff(magnitudes, axis=1) <= 1e-12).all(), "ranked by absolute contribution"
    # the label depends on these two only, so they lead the explanations
    assert top["top_feature_1"].isin(["composite_score", "months_in_level"]).mean() > 0.8


def test_backtest_counts_each_person_once_per_quarter_at_their_last_month():
    frame = pd.DataFrame(
        {
            "employee_id": ["A", "A", "B", "C", "A"],
            "month": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01", "2024-03-01", "2024-04-01"]),
            "composite_score": [90, 70, 86, np.nan, 85.0],
            LABEL: [False, True, False, True, True],
        }
    )
    model = np.array([True, True, False, True, False])
    table = backtest(frame, {"model": model, "rule": rule_calls(frame, 85.0)}).set_index(
        ["quarter", "method"]
    )
    q1 = table.loc[(pd.Timestamp("2024-01-01"), "model")]
    # A at March (called ready, promoted), B at February (not called, not promoted), C (called, promoted)
    assert (q1["people"], q1["called_ready"], q1["promoted"], q1["called_ready_and_promoted"]) == (3, 2, 2, 2)
    assert q1["accuracy"] == 1.0 and q1["recall"] == 1.0
    rule = table.loc[(pd.Timestamp("2024-01-01"), "rule")]
    # the rule calls B ready (86) and neither A in March (70) nor C (no composite)
    assert (rule["called_ready"], rule["called_ready_and_promoted"]) == (1, 0)
    assert rule["accuracy"] == 0.0 and rule["recall"] == 0.0
    q2 = table.loc[(pd.Timestamp("2024-04-01"), "rule")]
    assert q2["called_ready"] == 1 and q2["accuracy"] == 1.0  # 85.0 rounds to the boundary: ready
    assert pooled(table.reset_index(), "model") == {"val_model_accuracy": 1.0, "val_model_recall": 2 / 3}
