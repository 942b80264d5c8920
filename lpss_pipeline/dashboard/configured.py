"""What the organisation's configuration tracks and scores, so that a page can say so.

An organisation may track only part of the export contract (tracked_entities.csv) and score only some
scorecard categories (scorecard_categories.csv). A view over untracked data says "not tracked by
your organisation's configuration" instead of an empty table or a 0% that reads as a result, and a
scorecard shows only the configured categories. The configuration is read the way every other
dashboard setting is (``lpss_pipeline.config``); which entities each view reads is declared here,
beside ``config/inputs.py`` (what each KPI, metric and alert rule reads).
"""

from __future__ import annotations

from typing import Any

from lpss_pipeline.config import config_rows, tracked_entities
from lpss_pipeline.config.inputs import (
    KPIS,
    MENTORS,
    MILESTONES,
    NOMINATIONS,
    POSITIONS,
    PROMOTIONS,
    SESSIONS,
)

COMPETENCIES = ("hris", "competency_assessments")

NOT_TRACKED = "not tracked by your organisation's configuration"
NO_DATA = "no data yet"

VIEWS: dict[str, tuple[tuple[str, str], ...]] = {
    "succession": (POSITIONS, NOMINATIONS),  # coverage, slates
    "milestones": (MILESTONES,),  # IDP, intervention program
    "mentoring": (MENTORS,),  # mentoring pairs
    "sessions": (SESSIONS,),  # the pairs' sessions, attendance and feedback
    "competencies": (COMPETENCIES,),  # ratings, heat map, gaps, level-0 readiness
    "predictions": (PROMOTIONS,),  # the readiness model learns promotions
}
"""The export entities each part of the dashboard reads."""

CATEGORY_COLUMNS = {
    "performance": "performance_score",
    "engagement": "engagement_score",
    "development": "development_score",
    "strategic_impact": "strategic_impact_score",
}


def untracked() -> frozenset[tuple[str, str]]:
    """(system, entity) of every export entity the organisation does not track."""
    from lpss_pipeline.contract import SYSTEMS, entities_of

    return frozenset(
        (system, e.name)
        for system in SYSTEMS
        for e in entities_of(system)
        if e.name not in tracked_entities(system)
    )


def not_tracked(*views: str) -> dict[str, list[str]]:
    """Each view (of ``views``, default all) whose data is not tracked, with the untracked entities
    (``system.entity``) it reads."""
    missing = untracked()
    return {
        view: [f"{s}.{e}" for s, e in reads if (s, e) in missing]
        for view, reads in VIEWS.items()
        if (not views or view in views) and any(r in missing for r in reads)
    }


def kpi_status_without_rows(kpi_id: str, missing: frozenset[tuple[str, str]]) -> str:
    """The status of a KPI with no row at all for a cut: not_tracked when it reads untracked data."""
    return "not_tracked" if any(r in missing for r in KPIS.get(kpi_id, ())) else "insufficient_data"


def categories() -> list[dict[str, Any]]:
    """The configured scorecard categories in display order: id, score column, label, weight."""
    rows = sorted(config_rows("scorecard_categories"), key=lambda r: float(r["display_order"] or 0))
    return [
        {
            "category": r["category"],
            "column": CATEGORY_COLUMNS.get(r["category"], f"{r['category']}_score"),
            "label": r["category"].replace("_", " ").capitalize(),
            "weight": float(r["weight"]),
        }
        for r in rows
    ]


def metric_descriptions() -> dict[str, str]:
    """What each configured scorecard metric measures, as HR wrote it in scorecard_metrics.csv."""
    rows = config_rows("scorecard_metrics")
    return {r["metric_id"]: r["description"] for r in rows if r.get("description")}


def composite_label(configured: list[dict[str, Any]]) -> str:
    """ "Composite", or, when not every category is scored, which ones it is computed over."""
    if {c["category"] for c in configured} == set(CATEGORY_COLUMNS):
        return "Composite"
    parts = [f"{c['label'].lower()} {c['weight'] * 100:g}%" for c in configured]
    return f"Composite over {', '.join(parts)}"
