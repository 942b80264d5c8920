"""Scoring the warehouse with the champion: ml.readiness_predictions.

Only the months after the champion's training window are scored (its validation months and the
months whose outcome is still open): a model's output on rows it learnt from is not a forecast,
and leaving them out keeps the backtest honest. Months are scored one at a time, so memory holds
one month of the organisation, never its history.

A month is scored again only when its inputs changed (a correction in an export, a new month of
features) or the champion did: ml.readiness_scored_months keeps each month's model version and
a fingerprint of its feature rows, so a monthly run scores the new month and reuses the rest.
The latest month also gets its explanations.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .frames import month_fingerprints, read_frame
from .predict import prediction_rows, scored_months, write_predictions
from .tracking import Tracking, load_champion


@dataclass(frozen=True)
class ForecastOutcome:
    model_version: str
    rows: int
    months_scored: int
    months_reused: int
    first_month: str | None
    last_month: str | None


def clear_predictions(con: duckdb.DuckDBPyConnection) -> None:
    """Empty ml.readiness_predictions (and its record of scored months): readiness unknown."""
    write_predictions(con, (), keep=())


def predict_with_champion(con: duckdb.DuckDBPyConnection, tracking: Tracking) -> ForecastOutcome | None:
    """Replace ml.readiness_predictions with the champion's; None (table untouched) without one."""
    champion = load_champion(tracking)
    if champion is None:
        return None
    fingerprints = month_fingerprints(con, champion.train_end)
    months = list(fingerprints)
    previous = scored_months(con, champion.version)
    reused = [
        m
        for m in months
        if m in previous
        and previous[m][0] == fingerprints[m]
        and (previous[m][1] or m != months[-1])  # the latest month needs its explanations
    ]
    todo = [m for m in months if m not in reused]

    def scored():  # a month at a time: memory stays at one month of the organisation
        for month in todo:
            latest = month == months[-1]
            rows = prediction_rows(
                champion.classifier,
                champion.features,
                champion.prior_log_odds_shift,
                read_frame(con, month=month),
                model_version=champion.version,
                run_id=champion.run_id,
                explain=latest,
            )
            yield month, (champion.version, fingerprints[month], latest), rows

    write_predictions(con, scored(), keep=reused)
    rows = con.execute("select count(*) from ml.readiness_predictions").fetchone()[0]
    return ForecastOutcome(
        model_version=champion.version,
        rows=rows,
        months_scored=len(todo),
        months_reused=len(reused),
        first_month=f"{months[0]:%Y-%m}" if rows else None,
        last_month=f"{months[-1]:%Y-%m}" if rows else None,
    )
