"""The figures logged with every training run: calibration and feature importance."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only, never a window

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure


def calibration_plot(table: pd.DataFrame) -> Figure:
    figure, axes = plt.subplots(figsize=(5, 5))
    top = max(float(table.to_numpy().max()) * 1.1, 0.05)  # promotions are rare: zoom to the data
    axes.plot([0, top], [0, top], linestyle="--", color="grey", label="perfectly calibrated")
    axes.plot(table["mean_predicted"], table["observed_rate"], marker="o", label="model (validation)")
    axes.set_xlabel("predicted probability of promotion within the window")
    axes.set_ylabel("observed promotion rate")
    axes.set_xlim(0, top)
    axes.set_ylim(0, top)
    axes.set_title("Calibration, validation months (deciles)")
    axes.legend(loc="upper left")
    figure.tight_layout()
    return figure


def importance_plot(importances: pd.Series) -> Figure:
    ordered = importances.sort_values()
    figure, axes = plt.subplots(figsize=(6, 0.3 * len(ordered) + 1))
    axes.barh(ordered.index, ordered.to_numpy())
    axes.set_xlabel("gain")
    axes.set_title("Feature importance")
    figure.tight_layout()
    return figure
