"""Scoring the warehouse with the champion: ml.readiness_predictions.

Only the months after the champion's training window are scored (its validation months and the
months whose outcome is still open): a model's output on rows it learnt from is not a forecast,
and leaving them out keeps the backtest honest.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .frames import read_frame
from .predict import prediction_rows, write_predictions
from .tracking import Tracking, load_champion


@dataclass(frozen=True)
class ForecastOutcome:
    model_version: str
    rows: int
    first_month: str | None
    last_month: str | None


def predict_with_champion(con: duckdb.DuckDBPyConnection, tracking: Tracking) -> ForecastOutcome | None:
    """Replace ml.readiness_predictions with the champion's; None (table untouched) without one."""
    champion = load_champion(tracking)
    if champion is None:
        return None
    frame = read_frame(con, after=champion.train_end)
    rows = prediction_rows(
        champion.classifier,
        champion.features,
        champion.prior_log_odds_shift,
        frame,
        model_version=champion.version,
        run_id=champion.run_id,
    )
    write_predictions(con, rows)
    months = frame["month"]
    return ForecastOutcome(
        model_version=champion.version,
        rows=len(rows),
        first_month=f"{months.min():%Y-%m}" if len(rows) else None,
        last_month=f"{months.max():%Y-%m}" if len(rows) else None,
    )
