"""Scoring the warehouse with the champion: ml.readiness_predictions.

Only the months after the champion's training window are scored (its validation months and the
months whose outcome is still open): a model's output on rows it learnt from is not a forecast,
and leaving them out keeps the backtest honest. Months are scored one at a time, so memory holds
one month of the organisation, never its history.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .frames import forecast_months, read_frame
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
    months = forecast_months(con, champion.train_end)

    def parts():  # a month at a time: memory stays at one month of the organisation
        for month in months:
            yield prediction_rows(
                champion.classifier,
                champion.features,
                champion.prior_log_odds_shift,
                read_frame(con, month=month),
                model_version=champion.version,
                run_id=champion.run_id,
                explain=month == months[-1],
            )

    rows = write_predictions(con, parts())
    return ForecastOutcome(
        model_version=champion.version,
        rows=rows,
        first_month=f"{months[0]:%Y-%m}" if rows else None,
        last_month=f"{months[-1]:%Y-%m}" if rows else None,
    )
