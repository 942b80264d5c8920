"""The KPI half of the pandas reference (reference_pandas.py): observations of the scorecards and of
succession coverage, and each KPI per period and cut valued as its definition (a config row) says."""

from __future__ import annotations

import numpy as np
import pandas as pd

KPI_COLUMNS = ["period_start", "cadence", "kpi_id", "cut", "cut_value", "value", "target", "meets_target"]
KPI_COLUMNS += ["unit", "numerator", "denominator", "population"]
CUTS = {"organisation": None, "department": "department_id", "region": "region", "level": "leadership_level"}
OBSERVATION = ["kpi_id", "period_start", "department_id", "region", "leadership_level", "numerator"]
OBSERVATION += ["denominator", "row_target"]


def scorecard_observations(scorecards: pd.DataFrame) -> pd.DataFrame:
    """Leadership effectiveness (complete scorecards) and early warning (every scorecard)."""
    base = scorecards.rename(columns={"month": "period_start"}).assign(denominator=1.0, row_target=np.nan)
    effectiveness = base[base["is_complete"]].assign(
        kpi_id="leadership_effectiveness_score", numerator=base["composite_score"]
    )
    warning = base.assign(kpi_id="early_warning_leaders", numerator=(base["band"] == "intervention") * 1.0)
    return pd.concat([effectiveness[OBSERVATION], warning[OBSERVATION]])


def coverage_observations(coverage: pd.DataFrame) -> pd.DataFrame:
    base = coverage.rename(columns={"quarter": "period_start"}).assign(denominator=1.0, row_target=np.nan)
    kpis = {
        "succession_coverage": base["has_ready_now_successor"],
        "successor_coverage_ratio": base["total_successors"],
        "emergency_successor_coverage": base["has_emergency_successor"],
    }
    return pd.concat([base.assign(kpi_id=k, numerator=v * 1.0)[OBSERVATION] for k, v in kpis.items()])


def kpi_values(definitions: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """Period x KPI x cut: mean, percentage or count of the observations, as the KPI's definition says."""
    observations = observations.astype({"leadership_level": "Int64", "row_target": float})
    frames = []
    for cut, column in CUTS.items():  # four cuts, not rows
        by = observations.groupby(["kpi_id", "period_start", *([column] if column else [])], dropna=False)
        agg = by.agg(population=("numerator", "size"), row_target=("row_target", "mean"))
        for column_sum in ["numerator", "denominator"]:  # two columns, not rows
            agg[column_sum] = by[column_sum].sum(min_count=1)
        agg = agg.reset_index()
        frames.append(agg.assign(cut=cut, cut_value=agg[column].astype("string") if column else "all"))
    k = pd.concat(frames, ignore_index=True)
    k = k[k["cut_value"].notna()].merge(definitions, on="kpi_id")
    denominator = k["denominator"].where(k["denominator"] != 0)
    k["value"] = np.select(
        [k["aggregation"] == "mean", k["aggregation"] == "ratio_pct", k["aggregation"] == "count"],
        [k["numerator"] / denominator, 100 * k["numerator"] / denominator, k["numerator"]],
        default=np.nan,
    )
    k["target"] = k["target"].astype(float).combine_first(k["row_target"])
    meets = np.where(k["comparison"] == ">=", k["value"] >= k["target"], k["value"] <= k["target"])
    meets = pd.Series(meets, index=k.index, dtype="boolean")
    k["meets_target"] = meets.mask(k["value"].isna() | k["target"].isna())
    return k[KPI_COLUMNS].reset_index(drop=True)
