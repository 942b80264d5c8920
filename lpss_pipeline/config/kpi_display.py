"""How a KPI's figure and its period read, the same in the CLI, the dashboard and the API.

The unit, aggregation and cadence are the KPI's configuration (kpi_definitions.csv): a percentage
reads "77.4%", a count "12 leaders", a ratio "2.22 successors per position", a mean in days
"466 days". A period reads by its cadence ("2026-11", "2026 Q3", "2026"), marked "in progress"
until the data's as-of date reaches its last day; a cohort KPI (Promotion Readiness Accuracy: the
people assessed ready in the period, judged promotion_window_months later) names its cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lpss_pipeline.config import config_rows

COHORT_KPIS = {"promotion_readiness_accuracy": "assessed ready in"}
"""KPIs whose period is a cohort's, not the period the figure was measured in."""


@dataclass(frozen=True)
class KpiDisplay:
    kpi_id: str
    name: str
    unit: str
    aggregation: str
    cadence: str
    comparison: str

    def value(self, value: float | None) -> str:
        """The figure with its unit; "—" when there is none (never a 0 that means "no data")."""
        if value is None:
            return "—"
        if self.unit == "percent":
            return f"{value:.1f}%"
        if self.aggregation == "count":
            return f"{value:,.0f} {self.unit}"
        if self.aggregation == "ratio":
            return f"{value:.2f} {self.unit}"
        if self.unit == "points":
            return f"{value:.1f}"
        return f"{value:,.{0 if abs(value) >= 100 else 1}f} {self.unit}"

    def target(self, target: float | None) -> str:
        """ "target >= 85%", or "" without one."""
        return "" if target is None else f"target {self.comparison} {self.value(target)}"

    def period(self, start: date | None, closed: bool | None = True) -> str:
        if start is None:
            return ""
        if self.cadence == "monthly":
            text = f"{start:%Y-%m}"
        elif self.cadence == "quarterly":
            text = f"{start.year} Q{(start.month - 1) // 3 + 1}"
        else:
            text = f"{start.year}"
        if self.kpi_id in COHORT_KPIS:
            text = f"cohort {COHORT_KPIS[self.kpi_id]} {text}"
        return text if closed or closed is None else f"{text}, in progress"


def kpi_displays() -> dict[str, KpiDisplay]:
    """Every configured KPI's presentation, by kpi_id, in the configuration's order."""
    return {
        row["kpi_id"]: KpiDisplay(
            row["kpi_id"], row["kpi_name"], row["unit"], row["aggregation"], row["cadence"], row["comparison"]
        )
        for row in config_rows("kpi_definitions")
    }
