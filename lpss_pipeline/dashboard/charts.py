"""Plotly figures (plain dicts) for the pages; the browser draws them with the locally served plotly.js.

Band edges come from the score_bands seed, so a change of thresholds moves the shaded bands too.
A figure with nothing to draw is None, and the page says why in a sentence instead of showing empty
axes. Month axes tick on month starts, also when there is a single month (Plotly would otherwise
pad a lone date by a millisecond each way and label sub-second ticks).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pandas as pd

from lpss_pipeline.config import config_rows

BAND_COLOURS = {"on_track": "#2e7d32", "needs_development": "#f9a825", "intervention": "#c62828"}
LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
    "height": 360,
    "legend": {"orientation": "h", "y": -0.15},
    "paper_bgcolor": "rgba(0,0,0,0)",
}


def band_shapes() -> list[dict[str, Any]]:
    """One translucent horizontal band per score band, from its min to its max composite."""
    shapes = []
    for band in config_rows("score_bands"):
        low = float(band["min_composite"]) if band["min_composite"] else 0.0
        high = float(band["max_composite"]) if band["max_composite"] else 100.0
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "yref": "y",
                "y0": low,
                "y1": high,
                "fillcolor": BAND_COLOURS.get(band["band"], "#999"),
                "opacity": 0.08,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    return shapes


def _months(rows: list[dict[str, Any]]) -> list[str]:
    return [str(r["month"]) for r in rows]


def _drawn(traces: list[dict[str, Any]]) -> bool:
    """Whether any trace has a value to draw."""
    return any(v is not None and not (isinstance(v, float) and math.isnan(v)) for t in traces for v in t["y"])


def month_axis(months: list[str]) -> dict[str, Any]:
    """A date axis labelled by month, ticking on month starts; one month gets a month's width."""
    shown = sorted({date.fromisoformat(m[:10]) for m in months})
    axis: dict[str, Any] = {"type": "date", "tickformat": "%b %Y", "hoverformat": "%b %Y"}
    if not shown:
        return axis
    axis |= {"tick0": shown[0].isoformat(), "dtick": f"M{max(1, math.ceil(len(shown) / 12))}"}
    if len(shown) == 1:
        axis["range"] = [
            (shown[0] - timedelta(days=20)).isoformat(),
            (shown[0] + timedelta(days=20)).isoformat(),
        ]
    return axis


def scorecard_trend(
    history: list[dict[str, Any]], categories: list[dict[str, Any]], composite: str = "Composite"
) -> dict[str, Any] | None:
    """The composite and each configured category per month, over the bands; None with no score at all."""
    months = _months(history)
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": composite,
            "x": months,
            "y": [h["composite_score"] for h in history],
            "line": {"width": 3, "color": "#1a237e"},
        }
    ]
    traces += [
        {
            "type": "scatter",
            "mode": "lines+markers",  # a month between two without input is a point, not nothing
            "name": c["label"],
            "x": months,
            "y": [h.get(c["column"]) for h in history],
            "line": {"width": 1.5, "dash": "dot"},
            "marker": {"size": 4},
        }
        for c in categories
    ]
    if not _drawn(traces):
        return None
    return {
        "data": traces,
        "layout": {
            **LAYOUT,
            "shapes": band_shapes(),
            "xaxis": month_axis(months),
            "yaxis": {"range": [0, 100], "title": "score"},
        },
    }


def team_trend(history: list[dict[str, Any]], team_mean: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Each direct report's composite, plus the team mean where at least min_group are complete; None
    when no report has a composite in the period."""
    people: dict[str, dict[str, Any]] = {}
    for row in history:
        trace = people.setdefault(
            row["employee_id"],
            {"type": "scatter", "mode": "lines+markers", "name": row["full_name"], "x": [], "y": []},
        )
        trace["x"].append(str(row["month"]))
        trace["y"].append(row["composite_score"])
    traces = list(people.values())
    if not _drawn(traces) and not team_mean:
        return None
    if team_mean:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Team mean",
                "x": _months(team_mean),
                "y": [r["mean_composite"] for r in team_mean],
                "line": {"width": 4, "color": "#000"},
            }
        )
    return {
        "data": traces,
        "layout": {
            **LAYOUT,
            "shapes": band_shapes(),
            "xaxis": month_axis([str(r["month"]) for r in history]),
            "yaxis": {"range": [0, 100], "title": "composite"},
        },
    }


def kpi_trend(trend: list[dict[str, Any]], title: str) -> dict[str, Any] | None:
    """A KPI's measured values against its target per period; None when nothing was measured."""
    trend = [r for r in trend if r["value"] is not None]
    if not trend:
        return None
    months = [str(r["period_start"]) for r in trend]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": title,
                "x": months,
                "y": [r["value"] for r in trend],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Target",
                "x": months,
                "y": [r["target"] for r in trend],
                "line": {"dash": "dash", "color": "#2e7d32"},
            },
        ],
        "layout": {
            **LAYOUT,
            "shapes": band_shapes(),
            "xaxis": month_axis(months),
            "yaxis": {"range": [0, 100]},
        },
    }


def bench_bars(candidates: list[dict[str, Any]], top: int = 20) -> dict[str, Any] | None:
    """The top candidates in bench order: each one's readiness beside the model's probability of a
    promotion within 12 months (when there is one). Readiness saturates at 100% for many candidates;
    the probability, which the bench order weighs next, still tells them apart. Those whose readiness is
    unknown are not bars. None without any."""
    known = [c for c in candidates if c["readiness_pct"] is not None]
    if not known:
        return None
    shown = list(reversed(known[:top]))
    names = [c["full_name"] for c in shown]
    probability = [
        None if c["promotion_probability"] is None else 100 * c["promotion_probability"] for c in shown
    ]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "Readiness %",
            "y": names,
            "x": [c["readiness_pct"] for c in shown],
            "marker": {"color": "#3949ab"},
        }
    ]
    if any(p is not None for p in probability):
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": "P(promotion within 12 months) %",
                "y": names,
                "x": [
                    None if c["promotion_probability"] is None else 100 * c["promotion_probability"]
                    for c in shown
                ],
                "marker": {"color": "#f9a825"},
            }
        )
    return {
        "data": traces,
        "layout": {
            **LAYOUT,
            "barmode": "group",
            "height": max(300, 24 * len(shown) * len(traces) + 80),
            "xaxis": {"range": [0, 100], "title": "%"},
            "yaxis": {"automargin": True},  # whole names, however long
        },
    }


def heatmap(people: list[dict[str, Any]], cells: list[dict[str, Any]]) -> dict[str, Any] | None:
    """People (rows) x competencies (columns), rating 1-5; a missing rating stays blank. None without
    any rating."""
    if not any(c["rating"] is not None for c in cells):
        return None
    frame = pd.DataFrame(cells, columns=["employee_id", "competency_id", "competency_name", "rating"])
    names = frame.drop_duplicates("competency_id").set_index("competency_id")["competency_name"]
    grid = frame.pivot(index="employee_id", columns="competency_id", values="rating").reindex(
        index=[p["employee_id"] for p in people], columns=names.index
    )
    z = grid.astype(object).where(grid.notna(), None).values.tolist()
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": names.tolist(),
                "y": [p["full_name"] for p in people],
                "zmin": 1,
                "zmax": 5,
                "colorscale": "RdYlGn",
                "colorbar": {"title": {"text": "rating"}},
            }
        ],
        "layout": {
            **LAYOUT,
            "height": max(320, 22 * len(people) + 160),
            "margin": {"l": 160, "r": 20, "t": 30, "b": 140},
            "yaxis": {"autorange": "reversed"},
        },
    }
