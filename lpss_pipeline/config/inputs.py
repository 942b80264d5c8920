"""Which export entities each scorecard metric, KPI and alert rule is computed from.

A fact of how lpss computes, not a business choice, declared once: the configuration asset writes
it into ``config.computed_inputs`` beside ``config.tracked_entities``, so dbt can tell a KPI or an
alert whose data the organisation does not track (status ``not_tracked``, no alert) from one with
nothing measured yet; and the validation refuses a configured metric that reads untracked data.
Items built on the scorecard (``scorecard``) depend on whatever the configured metrics read.
"""

from __future__ import annotations

GOALS = ("hris", "goal_attainment")
REVENUE = ("crm", "team_revenue")
SURVEYS = ("hris", "engagement_surveys")
FEEDBACK = ("hris", "one_on_one_feedback")
TRAININGS = ("hris", "trainings")
SESSIONS = ("hris", "mentoring_sessions")
STRATEGIC = ("hris", "strategic_impact_ratings")
MILESTONES = ("hris", "idp_milestones")
ASSESSMENTS = ("hris", "readiness_assessments")
PROMOTIONS = ("hris", "promotions")
POSITIONS = ("hris", "positions")
NOMINATIONS = ("hris", "succession_nominations")
REVIEWS = ("hris", "leadership_reviews")
MENTORS = ("hris", "mentor_assignments")

METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "goal_attainment": (GOALS,),
    "revenue_attainment": (REVENUE,),
    "team_growth": (REVENUE,),
    "team_satisfaction": (SURVEYS,),
    "feedback_completion": (FEEDBACK,),
    "training_completion": (TRAININGS,),
    "mentoring_attendance": (MENTORS, SESSIONS),  # sessions planned per assignment, completed
    "project_execution": (STRATEGIC,),
    "innovation": (STRATEGIC,),
    "cross_functional_influence": (STRATEGIC,),
}

KPIS: dict[str, tuple[tuple[str, str], ...]] = {
    "leadership_effectiveness_score": (),
    "early_warning_leaders": (),
    "promotion_readiness_accuracy": (ASSESSMENTS, PROMOTIONS),
    "time_to_promotion": (ASSESSMENTS, PROMOTIONS),
    "development_path_completion": (MILESTONES,),
    "mentorship_engagement": (MENTORS, SESSIONS),
    "succession_coverage": (POSITIONS, NOMINATIONS),
    "successor_coverage_ratio": (POSITIONS, NOMINATIONS),
    "emergency_successor_coverage": (POSITIONS, NOMINATIONS),
}

ALERT_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "intervention": (),
    "stagnating": (),
    "high_risk": (),
    "review_overdue": (REVIEWS,),
    "missed_milestone": (MILESTONES,),
    "intervention_program": (MILESTONES,),
    "reminder_milestone_due": (MILESTONES,),
    "missed_mentoring": (MENTORS, SESSIONS),  # a session's mentee and mentor come from its assignment
    "reminder_mentoring_session": (MENTORS, SESSIONS),
    "reminder_feedback_collection": (FEEDBACK,),
    "succession_gap": (POSITIONS, NOMINATIONS),
    "missing_data": (),
    "reminder_scorecard_signoff": (),
    "delivery_failed": (),
}

KINDS = {"metric": METRICS, "kpi": KPIS, "alert_rule": ALERT_RULES}


def computed_inputs() -> list[tuple[str, str, str, str]]:
    """(kind, id, system, entity) for every item and each entity it reads: config.computed_inputs."""
    return [
        (kind, item, system, entity)
        for kind, items in KINDS.items()
        for item, reads in items.items()
        for system, entity in reads
    ]
