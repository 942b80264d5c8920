"""Probabilities and their explanations, and the ml.readiness_predictions table.

Explanations are XGBoost's own ``pred_contribs`` (exact TreeSHAP values in log-odds): for each
person in the latest scored month, the three features that moved the prediction most, with their
signed contribution. Earlier months get probabilities only: they feed the backtest, and nobody
reads why a past forecast was made, while TreeSHAP on every person-month was 90% of the scoring
time (32 s of 35 s at 50,000 employees).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import numpy as np
import pandas as pd
from xgboost import DMatrix, XGBClassifier

from .frames import feature_matrix

TOP_CONTRIBUTIONS = 3

PREDICTION_COLUMNS = {
    "employee_id": "VARCHAR",
    "month": "DATE",
    "promotion_probability": "DOUBLE",
    "model_version": "VARCHAR",
    "model_run_id": "VARCHAR",
    **{
        name: kind
        for rank in range(1, TOP_CONTRIBUTIONS + 1)
        for name, kind in ((f"top_feature_{rank}", "VARCHAR"), (f"top_contribution_{rank}", "DOUBLE"))
    },
    "scored_at": "TIMESTAMP",
}
"""The table's shape; dbt creates the same empty table (macros/readiness_predictions.sql)."""


def feature_dmatrix(frame: pd.DataFrame, features: tuple[str, ...]) -> DMatrix:
    return DMatrix(feature_matrix(frame, features), missing=np.nan)


def _shifted_probabilities(
    classifier: XGBClassifier, matrix: DMatrix, prior_log_odds_shift: float
) -> np.ndarray:
    margin = classifier.get_booster().predict(matrix, output_margin=True)
    return 1.0 / (1.0 + np.exp(-(margin - prior_log_odds_shift)))


def probabilities(
    classifier: XGBClassifier, features: tuple[str, ...], prior_log_odds_shift: float, frame: pd.DataFrame
) -> np.ndarray:
    """Promotion probabilities with the class-weighting shift taken back out (training.py)."""
    return _shifted_probabilities(classifier, feature_dmatrix(frame, features), prior_log_odds_shift)


def top_contributions(classifier: XGBClassifier, features: tuple[str, ...], matrix: DMatrix) -> pd.DataFrame:
    """The TOP_CONTRIBUTIONS largest absolute feature contributions per row, by name and value."""
    contribs = classifier.get_booster().predict(matrix, pred_contribs=True)[
        :, : len(features)
    ]  # the last column is the bias
    order = np.argsort(-np.abs(contribs), axis=1, kind="stable")[:, :TOP_CONTRIBUTIONS]
    names = np.asarray(features)[order]
    values = np.take_along_axis(contribs, order, axis=1)
    columns = {}
    for rank in range(TOP_CONTRIBUTIONS):  # a model of fewer features leaves the last ranks empty
        present = rank < len(features)
        columns[f"top_feature_{rank + 1}"] = names[:, rank] if present else None
        columns[f"top_contribution_{rank + 1}"] = values[:, rank].astype("float64") if present else np.nan
    return pd.DataFrame(columns)


def prediction_rows(
    classifier: XGBClassifier,
    features: tuple[str, ...],
    prior_log_odds_shift: float,
    frame: pd.DataFrame,
    model_version: str,
    run_id: str,
    explain: bool = True,
) -> pd.DataFrame:
    """Probabilities of ``frame``'s rows; with ``explain``, their top contributions too."""
    matrix = feature_dmatrix(frame, features)
    rows = pd.DataFrame(
        {
            "employee_id": frame["employee_id"].to_numpy(),
            "month": frame["month"].dt.date.to_numpy(),
            "promotion_probability": _shifted_probabilities(classifier, matrix, prior_log_odds_shift),
            "model_version": model_version,
            "model_run_id": run_id,
        }
    )
    if explain:
        rows = rows.join(top_contributions(classifier, features, matrix))
    else:
        rows = rows.assign(**{c: None for c in PREDICTION_COLUMNS if c.startswith("top_")})
    rows["scored_at"] = datetime.now(UTC).replace(tzinfo=None)
    return rows[list(PREDICTION_COLUMNS)]


SCORED_MONTHS_COLUMNS = {
    "month": "DATE",
    "model_version": "VARCHAR",
    "fingerprint": "UBIGINT",
    "explained": "BOOLEAN",
    "scored_at": "TIMESTAMP",
}
"""ml.readiness_scored_months: which champion scored each month, on which inputs (frames.py)."""


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The predictions and their record of scored months, empty when missing (the lake copies them too)."""
    con.execute("create schema if not exists ml")
    for table, shape in (
        ("readiness_predictions", PREDICTION_COLUMNS),
        ("readiness_scored_months", SCORED_MONTHS_COLUMNS),
    ):
        columns = ", ".join(f"{name} {kind}" for name, kind in shape.items())
        con.execute(f"create table if not exists ml.{table} ({columns})")


def scored_months(con: duckdb.DuckDBPyConnection, model_version: str) -> dict:
    """Month -> (fingerprint, explained) of the months ``model_version`` scored whose predictions
    are still in ml.readiness_predictions."""
    create_tables(con)
    rows = con.execute(
        """
        select s.month, s.fingerprint, s.explained
        from ml.readiness_scored_months as s
        where s.model_version = $version
            and exists (select 1 from ml.readiness_predictions as p
                where p.month = s.month and p.model_version = $version)
        """,
        {"version": model_version},
    ).fetchall()
    return {pd.Timestamp(month): (fingerprint, explained) for month, fingerprint, explained in rows}


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin")
    try:
        yield
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def write_predictions(
    con: duckdb.DuckDBPyConnection,
    months: Iterable[tuple[pd.Timestamp, tuple[str, int, bool], pd.DataFrame]],
    keep: Iterable[pd.Timestamp],
) -> int:
    """Drop every month's predictions but ``keep``'s, then add ``months`` (month, its record: model
    version, fingerprint, explained; its rows) one committed month at a time; the rows added.

    A month and its record land together, so a run stopped half-way leaves whole months, and the
    next run scores the rest. One transaction for every month held them all in memory until the
    commit: 16.7 GB resident at 2,000,000 employees.
    """
    create_tables(con)
    kept = [m.date() for m in keep]
    with _transaction(con):
        for table in ("readiness_predictions", "readiness_scored_months"):
            con.execute(f"delete from ml.{table} where not list_contains($kept, month)", {"kept": kept})
    written = 0
    for month, record, rows in months:
        with _transaction(con):
            con.register("new_predictions", rows)
            con.execute("insert into ml.readiness_predictions by name select * from new_predictions")
            con.unregister("new_predictions")
            con.execute(
                "insert into ml.readiness_scored_months values (?, ?, ?, ?, ?)",
                [month.date(), *record, datetime.now(UTC).replace(tzinfo=None)],
            )
        written += len(rows)
    return written
