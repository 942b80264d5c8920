"""One person's scorecard and development record, each read only through the viewer's grants.

A scorecard needs SCORECARD on the person (executives, HR admins, the direct manager, oneself);
predictions and slates need SUCCESSION, which nobody holds about themselves; development (IDP,
mentoring, competencies) needs DEVELOPMENT, which mentors hold on active mentees without any
performance score.

Parts the organisation does not track (configured.py) are not read: they come back empty, named in
``not_tracked``, and only the configured scorecard categories are listed (``categories``).
"""

from __future__ import annotations

from typing import Any

from lpss_pipeline.dashboard import configured
from lpss_pipeline.dashboard.access import DEVELOPMENT, SCORECARD, SUCCESSION, granted
from lpss_pipeline.dashboard.marts import MartsReader

PERSON_SQL = """
select employee_id, full_name, job_title, leadership_level, level_name, department_id, department_name,
    region, manager_id, is_active
from marts.dim_leaders as l
where l.employee_id = $subject and {grant}
"""

HISTORY_SQL = f"""
select month, performance_score, engagement_score, development_score, strategic_impact_score,
    composite_score, band, is_complete, composite_change, trend_slope_3m, config_version, is_provisional
from marts.fct_leader_scorecards as s
where s.employee_id = $subject and {granted("s.employee_id", SCORECARD)}
order by month
"""

METRICS_SQL = f"""
select metric_id, category, raw_value, metric_score, weight_in_category, contribution, floor, target
from marts.fct_scorecard_metrics as m
where m.employee_id = $subject and m.month = $month and {granted("m.employee_id", SCORECARD)}
order by category, metric_id
"""

READINESS_SQL = f"""
select month, readiness_pct, band, readiness_basis, target_level, is_stagnating, is_high_risk,
    band_streak_months
from marts.fct_promotion_readiness as r
where r.employee_id = $subject and {granted("r.employee_id", SCORECARD)}
order by month desc
limit 1
"""

PREDICTION_SQL = f"""
select month, promotion_probability, model_version, months_to_ready,
    top_feature_1, top_contribution_1, top_feature_2, top_contribution_2, top_feature_3, top_contribution_3
from marts.fct_promotion_readiness as r
where r.employee_id = $subject and r.promotion_probability is not null
    and {granted("r.employee_id", SUCCESSION)}
order by month desc
limit 1
"""

MILESTONES_SQL = f"""
select milestone_id, milestone_type, title, competency_id, due_date, completed_on, status,
    consecutive_missed, days_late
from marts.fct_idp_milestones as m
where m.employee_id = $subject and {granted("m.employee_id", DEVELOPMENT)}
order by due_date desc
"""

MILESTONE_SUMMARY_SQL = f"""
select
    count(*) filter (where status = 'completed_on_time') as completed_on_time,
    count(*) filter (where status = 'completed_late') as completed_late,
    count(*) filter (where status = 'missed') as missed,
    count(*) filter (where status = 'open') as open,
    round(100.0 * count(*) filter (where status = 'completed_on_time')
        / nullif(count(*) filter (where status <> 'open'), 0), 1) as on_schedule_pct
from marts.fct_idp_milestones as m
where m.employee_id = $subject and {granted("m.employee_id", DEVELOPMENT)}
"""

MENTORING_SQL = f"""
select p.assignment_id, p.mentor_employee_id, mentor.full_name as mentor_name, p.domain, p.start_date,
    p.end_date, p.is_active, p.planned_sessions_per_month, p.planned_sessions, p.completed_sessions,
    p.missed_sessions, p.completion_rate, p.avg_feedback, p.engagement_score
from marts.fct_mentorship_pairs as p
left join marts.dim_leaders as mentor on mentor.employee_id = p.mentor_employee_id
where p.mentee_employee_id = $subject and {granted("p.mentee_employee_id", DEVELOPMENT)}
order by p.is_active desc, p.start_date desc
"""

COMPETENCIES_SQL = f"""
with latest as (
    select max(month) as month from marts.fct_competency_heatmap where employee_id = $subject
)
select h.competency_id, h.competency_name, h.competency_kind, h.rating, h.rated_month,
    g.expected_rating, g.rating_gap, g.is_weakest, g.on_the_job_actions, g.books
from marts.fct_competency_heatmap as h
inner join latest on latest.month = h.month
left join marts.fct_readiness_gaps as g
    on g.employee_id = h.employee_id and g.month = h.month and g.competency_id = h.competency_id
where h.employee_id = $subject and {granted("h.employee_id", DEVELOPMENT)}
order by h.competency_kind, h.competency_id
"""

INTERVENTIONS_SQL = f"""
select entered_on, reason, exited_on, exit_reason, is_active
from marts.fct_development_interventions as i
where i.employee_id = $subject and {granted("i.employee_id", DEVELOPMENT)}
order by entered_on desc
"""


def _person(marts: MartsReader, viewer: str, subject: str, flag: str) -> dict[str, Any] | None:
    return marts.row(PERSON_SQL.format(grant=granted("l.employee_id", flag)), viewer=viewer, subject=subject)


def scorecard(marts: MartsReader, viewer: str, subject: str, month: str | None = None) -> dict | None:
    """The scorecard history, one month's metric breakdown and readiness; None when out of scope.

    ``month`` picks the month shown (default: the latest closed month, the one in progress only when
    there is no other or when asked). ``shown`` is that month's row; ``trend`` the closed months, with
    the month in progress only when it is the one shown.
    """
    person = _person(marts, viewer, subject, SCORECARD)
    if person is None:
        return None
    history = marts.rows(HISTORY_SQL, viewer=viewer, subject=subject)
    closed = [str(h["month"]) for h in history if not h["is_provisional"]]
    months = [str(h["month"]) for h in history]
    chosen = month if month in months else (closed or months or [None])[-1]
    shown = next((h for h in history if str(h["month"]) == chosen), None)
    categories = configured.categories()
    untracked = configured.not_tracked()
    return {
        "person": person,
        "month": chosen,
        "categories": categories,
        "composite_label": configured.composite_label(categories),
        "history": history,
        "shown": shown,
        "trend": [h for h in history if not h["is_provisional"] or str(h["month"]) == chosen],
        "metrics": marts.rows(METRICS_SQL, viewer=viewer, subject=subject, month=chosen) if chosen else [],
        "metric_descriptions": configured.metric_descriptions(),
        "readiness": marts.row(READINESS_SQL, viewer=viewer, subject=subject),
        "prediction": None
        if "predictions" in untracked
        else marts.row(PREDICTION_SQL, viewer=viewer, subject=subject),
        "development": development(marts, viewer, subject, untracked),
        "not_tracked": untracked,
    }


def development(
    marts: MartsReader, viewer: str, subject: str, untracked: dict[str, list[str]] | None = None
) -> dict | None:
    """IDP milestones, mentoring and competencies (no performance score); None when out of scope.
    A part the organisation does not track is empty and named in ``not_tracked``."""
    person = _person(marts, viewer, subject, DEVELOPMENT)
    if person is None:
        return None
    parts = ("milestones", "mentoring", "sessions", "competencies")
    untracked = {k: v for k, v in (untracked or configured.not_tracked(*parts)).items() if k in parts}

    def rows(part: str, sql: str) -> list[dict[str, Any]]:
        return [] if part in untracked else marts.rows(sql, viewer=viewer, subject=subject)

    return {
        "person": person,
        "milestones": rows("milestones", MILESTONES_SQL),
        "milestone_summary": None
        if "milestones" in untracked
        else marts.row(MILESTONE_SUMMARY_SQL, viewer=viewer, subject=subject),
        "mentoring": rows("mentoring", MENTORING_SQL),
        "competencies": rows("competencies", COMPETENCIES_SQL),
        "interventions": rows("milestones", INTERVENTIONS_SQL),  # entered by missed milestones
        "not_tracked": untracked,
    }
