"""The KPI half of the pandas reference (reference_pandas.py): observations of the scorecards and of
succession coverage, the periods each KPI reports, and each KPI per period and cut valued as its
definition (a config row) says, with its status: not_tracked when it reads an entity the organisation
does not track (config.tracked_entities, config.computed_inputs), insufficient_data when nothing was
measured, else ok (SPEC section 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

KPI_COLUMNS = ["period_start", "period_end", "is_closed", "cadence", "kpi_id", "cut", "cut_value", "value"]
KPI_COLUMNS += ["target", "meets_target"]
KPI_COLUMNS += ["unit", "numerator", "denominator", "population", "status", "untracked_inputs"]
CUTS = {"organisation": None, "department": "department_id", "region": "region", "level": "leadership_level"}
OBSERVATION = ["kpi_id", "period_start", "department_id", "region", "leadership_level", "numerator"]
OBSERVATION += ["denominator", "row_target"]
GRAIN = ["kpi_id", "period_start", "cut", "cut_value"]
SUCCESSION_KPIS = ["succession_coverage", "successor_coverage_ratio", "emergency_successor_coverage"]


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    return dates.dt.to_period(freq).dt.to_timestamp().astype("datetime64[ns]")


def cadence_start(dates: pd.Series, cadence: pd.Series) -> pd.Series:
    """The start of the KPI's period (monthly, quarterly, else yearly) that holds each date."""
    yearly = period_start(dates, "Y")
    quarterly = period_start(dates, "Q").where(cadence == "quarterly", yearly)
    return period_start(dates, "M").where(cadence == "monthly", quarterly)


def untracked_entities(t: dict[str, pd.DataFrame]) -> set[str]:
    """system.entity of every export entity a tracked_entities row marks as not tracked (a missing row
    or a null counts as tracked)."""
    rows = t["tracked_entities"]
    off = rows[rows["tracked"].astype("boolean").eq(False).fillna(False).astype(bool)]
    return set(off["system"] + "." + off["entity"])


def untracked_kpis(t: dict[str, pd.DataFrame]) -> pd.Series:
    """KPI id -> the untracked entities it reads (system.entity, sorted, comma-separated), for the KPIs
    that read any."""
    inputs = t["computed_inputs"].query("kind == 'kpi'").sort_values(["id", "system", "entity"])
    names = inputs["system"] + "." + inputs["entity"]
    off = inputs.assign(name=names)[names.isin(untracked_entities(t))]
    return off.groupby("id")["name"].agg(", ".join).rename("untracked_inputs")


def scorecard_observations(scorecards: pd.DataFrame) -> pd.DataFrame:
    """Leadership effectiveness and early warning, both over complete scorecards only (an incomplete one
    measured nobody: a month without complete scorecards has no early-warning count, not 0)."""
    base = scorecards[scorecards["is_complete"]].rename(columns={"month": "period_start"})
    base = base.assign(denominator=1.0, row_target=np.nan)
    effectiveness = base.assign(kpi_id="leadership_effectiveness_score", numerator=base["composite_score"])
    warning = base.assign(kpi_id="early_warning_leaders", numerator=(base["band"] == "intervention") * 1.0)
    return pd.concat([effectiveness[OBSERVATION], warning[OBSERVATION]])


def coverage_observations(coverage: pd.DataFrame) -> pd.DataFrame:
    base = coverage.rename(columns={"quarter": "period_start"}).assign(denominator=1.0, row_target=np.nan)
    kpis = {
        "succession_coverage": base["has_ready_now_successor"],
        "successor_coverage_ratio": base["total_successors"],
        "emergency_successor_coverage": base["has_emergency_successor"],
    }
    return pd.concat(
        [base.assign(kpi_id=k, numerator=(v * 1.0).astype(float))[OBSERVATION] for k, v in kpis.items()]
    )


def reported_periods(
    definitions: pd.DataFrame, month_starts: pd.Series, as_of: pd.Timestamp, window: int
) -> pd.DataFrame:
    """KPI x period every configured KPI reports, measured or not: each period of its cadence the
    calendar's months touch; Promotion Readiness Accuracy only once the cohort window (window months
    after the period's end) has closed; the succession KPIs only the as-of period (current snapshots)."""
    p = definitions[["kpi_id", "cadence"]].merge(month_starts.rename("month").to_frame(), how="cross")
    p = p.assign(period_start=cadence_start(p["month"], p["cadence"]))
    p = p.drop_duplicates(["kpi_id", "period_start"])
    length = p["cadence"].map({"monthly": 1, "quarterly": 3}).fillna(12).astype(int)
    month = p["period_start"].dt.year * 12 + p["period_start"].dt.month - 1 + length + window
    closes = pd.to_datetime({"year": month // 12, "month": month % 12 + 1, "day": 1})
    as_of_start = cadence_start(pd.Series(as_of, index=p.index), p["cadence"])
    accuracy = p["kpi_id"] == "promotion_readiness_accuracy"
    succession = p["kpi_id"].isin(SUCCESSION_KPIS)
    keep = ~accuracy & ~succession
    keep |= accuracy & (closes <= as_of + pd.Timedelta(days=1))
    keep |= succession & (p["period_start"] == as_of_start)
    return p.loc[keep, ["kpi_id", "period_start"]].reset_index(drop=True)


def period_end(period_start: pd.Series, cadence: pd.Series) -> pd.Series:
    """The last day of each KPI period (monthly, quarterly, else yearly)."""
    length = cadence.map({"monthly": 1, "quarterly": 3}).fillna(12).astype(int)
    month = period_start.dt.year * 12 + period_start.dt.month - 1 + length
    return pd.to_datetime({"year": month // 12, "month": month % 12 + 1, "day": 1}) - pd.Timedelta(days=1)


def kpi_values(
    t: dict[str, pd.DataFrame], observations: pd.DataFrame, periods: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Period x KPI x cut: mean, percentage, ratio or count of the observations, as the KPI's definition
    says; the organisation row of every reported period even when nothing was observed; the status;
    and whether the period is closed (its last day reached by the as-of date)."""
    definitions, untracked = t["kpi_definitions"], untracked_kpis(t)
    observations = observations[~observations["kpi_id"].isin(untracked.index)]
    observations = observations.merge(definitions[["kpi_id", "cadence"]], on="kpi_id")
    observations = observations.assign(
        period_start=cadence_start(observations["period_start"], observations["cadence"])
    ).astype({"leadership_level": "Int64", "numerator": float, "denominator": float, "row_target": float})
    frames = []
    for cut, column in CUTS.items():  # four cuts, not rows
        by = observations.groupby(["kpi_id", "period_start", *([column] if column else [])], dropna=False)
        agg = by.agg(population=("numerator", "size"), row_target=("row_target", "mean"))
        for column_sum in ["numerator", "denominator"]:  # two columns, not rows
            agg[column_sum] = by[column_sum].sum(min_count=1)
        agg = agg.reset_index()
        frames.append(agg.assign(cut=cut, cut_value=agg[column].astype("string") if column else "all"))
    k = pd.concat(frames, ignore_index=True)
    k = k[k["cut_value"].notna()]
    reported = periods.assign(cut="organisation", cut_value="all").astype({"cut_value": "string"})
    k = k.astype({"cut_value": "string"}).merge(reported, on=GRAIN, how="outer")
    k = k.assign(population=k["population"].fillna(0)).merge(definitions, on="kpi_id")
    denominator = k["denominator"].where(k["denominator"] != 0)
    aggregation = k["aggregation"]
    measured = pd.Series(
        np.select(
            [aggregation.isin(["mean", "ratio"]), aggregation == "ratio_pct", aggregation == "count"],
            [k["numerator"] / denominator, 100 * k["numerator"] / denominator, k["numerator"]],
            default=np.nan,
        ),
        index=k.index,
        dtype=float,
    )
    k["untracked_inputs"] = k["kpi_id"].map(untracked).astype("string")
    k["status"] = np.select(
        [k["untracked_inputs"].notna(), (k["population"] == 0) | measured.isna()],
        ["not_tracked", "insufficient_data"],
        default="ok",
    )
    ok = k["status"] == "ok"
    k["value"] = measured.where(ok)
    k["target"] = k["target"].astype(float).combine_first(k["row_target"])
    rounded = measured.round(9)  # as fct_kpis compares: float sums differ in the last bits by engine
    meets = np.where(k["comparison"] == ">=", rounded >= k["target"], rounded <= k["target"])
    meets = pd.Series(meets, index=k.index, dtype="boolean")
    k["meets_target"] = meets.mask(~ok | k["target"].isna())
    k["period_end"] = period_end(k["period_start"], k["cadence"])
    k["is_closed"] = k["period_end"] <= as_of
    return k[KPI_COLUMNS].reset_index(drop=True)
