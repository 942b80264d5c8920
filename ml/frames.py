"""The readiness model's data: features and labels from the warehouse, split by time.

dbt builds ``ml.readiness_features`` (only data dated on or before each month) and
``ml.readiness_labels``; this module reads them into one frame and cuts it by month, never at
random, so the model is always judged on months later than any it learnt from.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

FEATURES = (
    "leadership_level",
    "composite_score",
    "performance_score",
    "engagement_score",
    "development_score",
    "strategic_impact_score",
    "composite_change",
    "trend_slope_3m",
    "months_in_level",
    "tenure_months",
    "idp_on_schedule_pct",
    "mentoring_attendance_pct",
    "training_completion_pct",
    "competency_avg",
    "competency_min",
    "competency_human_avg",
    "competency_technical_avg",
    "nomination_readiness",
    "is_emergency_successor",
    "latest_assessed_ready",
)
"""Model inputs, all columns of ml.readiness_features (booleans become 0/1, missing stays NaN)."""

LABEL = "promoted_within_window"

LABEL_SOURCE = ("hris", "promotions")
"""The export entity the label is read from: without it nothing can be learnt or forecast."""

FEATURE_SOURCES: dict[str, tuple[str, str]] = {
    "idp_on_schedule_pct": ("hris", "idp_milestones"),
    "mentoring_attendance_pct": ("hris", "mentoring_sessions"),
    "training_completion_pct": ("hris", "trainings"),
    **{
        name: ("hris", "competency_assessments")
        for name in ("competency_avg", "competency_min", "competency_human_avg", "competency_technical_avg")
    },
    "nomination_readiness": ("hris", "succession_nominations"),
    "is_emergency_successor": ("hris", "succession_nominations"),
    "latest_assessed_ready": ("hris", "readiness_assessments"),
}
"""The features read from one optional export entity each: left out of training when the organisation
does not track it (they would be constant, and a later change of tracking would move them). The
scorecard features are null where a category is not configured; XGBoost reads them as missing."""

MIN_ROWS_PER_OUTCOME = 10
"""Fewest person-months of each outcome (promoted, not promoted) that training and validation each
need: below it ROC AUC, calibration and the champion gate measure noise (an ML setting, like the
hyper-parameters)."""


FRAME_SOURCE = """
    from ml.readiness_features as f
    inner join ml.readiness_labels as l using (employee_id, month)
    where ($after is null or f.month > $after) and ($month is null or f.month = $month)"""
"""The person-months the model reads: features of people whose outcome window is tracked."""


class NotTrained(ValueError):
    """Why no model is trained this time; the message reads after "not trained: "."""


class NotTracked(NotTrained):
    """The organisation does not track the export entity the label comes from."""


class NotEnoughHistory(NotTrained):
    """Too few months or rows with known outcomes to train and validate on separate months."""


def untracked_entities(con: duckdb.DuckDBPyConnection) -> frozenset[tuple[str, str]]:
    """(system, entity) pairs config.tracked_entities marks as not tracked (none before that table exists)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'config' and table_name = 'tracked_entities'"
    ).fetchone()[0]
    if not exists:
        return frozenset()
    rows = con.execute("select system, entity from config.tracked_entities where not tracked").fetchall()
    return frozenset((system, entity) for system, entity in rows)


def label_not_tracked(untracked: frozenset[tuple[str, str]]) -> str | None:
    """Why there is no label to learn or forecast, or None when its source is tracked."""
    if LABEL_SOURCE in untracked:
        return f"{'.'.join(LABEL_SOURCE)} is not tracked (the label is a promotion)"
    return None


def trainable_features(
    untracked: frozenset[tuple[str, str]], features: tuple[str, ...] = FEATURES
) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The features to learn from, and those left out by the untracked entity they come from.

    Raises NotTracked when the label's own source is not tracked."""
    reason = label_not_tracked(untracked)
    if reason:
        raise NotTracked(reason)
    left_out: dict[str, list[str]] = {}
    for name in features:
        source = FEATURE_SOURCES.get(name)
        if source in untracked:
            left_out.setdefault(".".join(source), []).append(name)
    dropped = {name for names in left_out.values() for name in names}
    return tuple(f for f in features if f not in dropped), left_out


@dataclass(frozen=True)
class Parameters:
    """The business numbers the model is judged by, from config.lpss_parameters (dbt seed)."""

    ready_threshold: float  # a probability at or above it calls a person ready
    rule_composite: float  # the rule "composite >= 85" the model must beat
    validation_months: int  # the latest labelled months held out for validation and gating
    training_max_rows: int  # person-months the model learns from at most (a sample of people beyond)


def read_parameters(con: duckdb.DuckDBPyConnection) -> Parameters:
    rows = dict(con.execute("select parameter, value from config.lpss_parameters").fetchall())
    return Parameters(
        ready_threshold=float(rows["readiness_probability_threshold"]),
        rule_composite=float(rows["readiness_target_composite"]),
        validation_months=int(rows["readiness_validation_months"]),
        training_max_rows=int(rows["readiness_training_max_rows"]),
    )


def read_frame(
    con: duckdb.DuckDBPyConnection,
    after: pd.Timestamp | None = None,
    month: pd.Timestamp | None = None,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Features joined to labels, one row per person-month: only months after ``after``, or only
    ``month``, if given. With ``max_rows``, a sample of whole people (by a hash of their id) of
    about that many rows: 2,000,000 people x 36 months would take 14 GB as a frame, and a few
    million rows teach the model as much."""
    columns = ", ".join(f"f.{c}" for c in FEATURES)
    params = {"after": after, "month": month}
    share = 1.0
    if max_rows is not None:
        total = con.execute(f"select count(*) {FRAME_SOURCE}", params).fetchall()[0][0]
        share = min(1.0, max_rows / total) if total else 1.0
    frame = con.execute(
        f"""
        select f.employee_id, f.month, {columns}, l.window_closed, l.{LABEL}
        {FRAME_SOURCE} and hash(f.employee_id) % 1000000 < $per_million
        order by f.month, f.employee_id
        """,
        {**params, "per_million": round(share * 1_000_000)},
    ).df()
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


FINGERPRINT_GRID = "round(cast({} as double) * 1e6 + 0.2357111317)"
"""How a feature value enters a fingerprint: on a millionths grid. DuckDB's parallel sums differ in
the last bits from one build to the next (1e-14 on a score), which must not count as a change of
input; the grid is offset so that weighted sums of decimal figures (8.3508875) never sit on a
rounding edge, where that noise would tip them."""


def month_fingerprints(con: duckdb.DuckDBPyConnection, after: pd.Timestamp | None) -> dict[pd.Timestamp, int]:
    """Every month a champion trained through ``after`` scores, with a fingerprint of its rows
    (their count and every feature value, order-free): the same fingerprint scores the same."""
    values = ", ".join(FINGERPRINT_GRID.format(f"f.{c}") for c in FEATURES)
    rows = con.execute(
        f"select f.month, hash(count(*), bit_xor(hash(f.employee_id, {values}))) {FRAME_SOURCE} "
        "group by f.month order by f.month",
        {"after": after, "month": None},
    ).fetchall()
    return {pd.Timestamp(month): int(fingerprint) for month, fingerprint in rows}


def feature_matrix(frame: pd.DataFrame, features: tuple[str, ...] = FEATURES) -> pd.DataFrame:
    """The model's input: numeric columns in a fixed order, missing values as NaN."""
    return frame.loc[:, list(features)].astype("float64")


@dataclass(frozen=True)
class TimeSplit:
    train: pd.DataFrame
    validation: pd.DataFrame
    forecast: pd.DataFrame  # months whose outcome is not known yet

    @property
    def train_end(self) -> pd.Timestamp:
        return self.train["month"].max()

    def describe(self) -> dict[str, str | int]:
        def span(part: pd.DataFrame) -> str:
            if part.empty:
                return "none"
            return f"{part['month'].min():%Y-%m} .. {part['month'].max():%Y-%m}"

        return {
            "train_months": span(self.train),
            "validation_months": span(self.validation),
            "forecast_months": span(self.forecast),
            "train_rows": len(self.train),
            "validation_rows": len(self.validation),
            "forecast_rows": len(self.forecast),
        }


def split_by_time(frame: pd.DataFrame, validation_months: int) -> TimeSplit:
    """Train on the older labelled months, validate on the latest ``validation_months`` labelled
    months, forecast the months whose window is still open."""
    labelled = frame["window_closed"].astype(bool)
    if not labelled.any():
        raise NotEnoughHistory(
            f"not enough labelled rows: 0 of {len(frame)} person-months have a known outcome "
            "(no promotion window has closed yet)"
        )
    closed = sorted(frame.loc[labelled, "month"].unique())
    if len(closed) <= validation_months:
        raise NotEnoughHistory(
            f"not enough history: {len(closed)} month(s) have known outcomes; training needs more than the "
            f"{validation_months} validation months (history must cover them plus the promotion window)"
        )
    validation_start = closed[-validation_months]
    train = frame[labelled & (frame["month"] < validation_start)].reset_index(drop=True)
    validation = frame[labelled & (frame["month"] >= validation_start)].reset_index(drop=True)
    for part, rows in (("training", train), ("validation", validation)):
        promoted = int(rows[LABEL].fillna(False).astype(bool).sum())
        if min(promoted, len(rows) - promoted) < MIN_ROWS_PER_OUTCOME:
            raise NotEnoughHistory(
                f"not enough labelled rows: {int(labelled.sum())} person-months with known outcomes; the "
                f"{part} months hold {promoted} promoted and {len(rows) - promoted} not, and each part needs "
                f"at least {MIN_ROWS_PER_OUTCOME} of both"
            )
    return TimeSplit(train=train, validation=validation, forecast=frame[~labelled].reset_index(drop=True))
