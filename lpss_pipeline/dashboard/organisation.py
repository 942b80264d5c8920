"""Views over many people: a manager's team, departments, the bench, the heat map and the alerts.

Each query filters people through the viewer's grants (access.granted). Aggregates are only
computed over groups of at least ``min_aggregate_group`` people and, for a department, only for a
viewer who may see every member's scorecard: an average must not reveal what its rows would not.
What the organisation does not track (configured.py) is not read: it comes back empty and named in
``not_tracked``, and a KPI tile carries its status (``ok``, ``not_tracked``, ``insufficient_data``).
"""

from __future__ import annotations

from typing import Any

from lpss_pipeline.config import config_values
from lpss_pipeline.dashboard import configured, kpis
from lpss_pipeline.dashboard.access import DEVELOPMENT, SCORECARD, SUCCESSION, granted, min_group
from lpss_pipeline.dashboard.marts import MartsReader

TEAM_MEMBERS_SQL = f"""
with members as (
    select employee_id, full_name, job_title, leadership_level, level_name
    from marts.dim_leaders as r
    where r.manager_id = $manager and r.is_active and r.employee_id <> $manager
        and {granted("r.employee_id", SCORECARD)}
)
select m.*, s.month, s.composite_score, s.band, s.is_complete, s.composite_change, s.trend_slope_3m,
    rd.readiness_pct
from members as m
left join marts.fct_leader_scorecards as s on s.employee_id = m.employee_id and s.month = $month
left join marts.fct_promotion_readiness as rd on rd.employee_id = m.employee_id and rd.month = $month
order by m.full_name
"""

# The team's month: the latest closed (not provisional) month any member has a scorecard for.
TEAM_MONTH_SQL = f"""
select coalesce(max(month) filter (where not is_provisional), max(month)) as month,
    max(month) filter (where not is_provisional) is not null as closed
from marts.fct_leader_scorecards as s
inner join marts.dim_leaders as r on r.employee_id = s.employee_id
where r.manager_id = $manager and r.is_active and r.employee_id <> $manager
    and {granted("s.employee_id", SCORECARD)}
"""

TEAM_HISTORY_SQL = f"""
select s.month, s.employee_id, r.full_name, s.composite_score, s.band
from marts.fct_leader_scorecards as s
inner join marts.dim_leaders as r on r.employee_id = s.employee_id
where r.manager_id = $manager and r.is_active and r.employee_id <> $manager
    and s.month between $month - interval 11 month and $month
    and {granted("s.employee_id", SCORECARD)}
order by s.month, r.full_name
"""

TEAM_MEAN_SQL = f"""
select s.month, avg(s.composite_score) as mean_composite, count(*) as leaders
from marts.fct_leader_scorecards as s
inner join marts.dim_leaders as r on r.employee_id = s.employee_id
where r.manager_id = $manager and r.is_active and r.employee_id <> $manager and s.is_complete
    and s.month between $month - interval 11 month and $month
    and {granted("s.employee_id", SCORECARD)}
group by s.month
having count(*) >= $min_group
order by s.month
"""


def team(marts: MartsReader, viewer: str, manager: str) -> dict[str, Any] | None:
    """A manager's direct reports in the viewer's scope with their latest closed month; None when the
    viewer may read none of them but itself."""
    latest = marts.row(TEAM_MONTH_SQL, viewer=viewer, manager=manager)
    month = latest["month"] if latest else None
    manager_row = marts.row(
        "select employee_id, full_name, job_title, department_name from marts.dim_leaders "
        "where employee_id = $manager",
        manager=manager,
    )
    members = marts.rows(TEAM_MEMBERS_SQL, viewer=viewer, manager=manager, month=month)
    if manager_row is None or all(m["employee_id"] == viewer for m in members):
        return None  # the viewer's own manager's team, seen only as oneself, is not a team view
    complete = [m for m in members if m["is_complete"]]
    group = min_group()
    aggregate = None
    if len(complete) >= group:
        aggregate = marts.row(
            f"""
            select avg(s.composite_score) as mean_composite, count(*) as leaders,
                count(*) filter (where s.band = 'on_track') as on_track,
                count(*) filter (where s.band = 'needs_development') as needs_development,
                count(*) filter (where s.band = 'intervention') as intervention
            from marts.fct_leader_scorecards as s
            inner join marts.dim_leaders as r on r.employee_id = s.employee_id
            where r.manager_id = $manager and r.is_active and r.employee_id <> $manager
                and s.month = $month and s.is_complete and {granted("s.employee_id", SCORECARD)}
            """,
            viewer=viewer,
            manager=manager,
            month=month,
        )
    params = {"viewer": viewer, "manager": manager, "month": month}
    return {
        "composite_label": configured.composite_label(configured.categories()),
        "manager": manager_row,
        "month": str(month) if month else None,
        "month_closed": bool(latest and latest["closed"]),
        "members": members,
        "aggregate": aggregate,
        "min_group": group,
        "history": marts.rows(TEAM_HISTORY_SQL, **params) if month else [],
        "team_mean": marts.rows(TEAM_MEAN_SQL, **params, min_group=group) if month else [],
    }


MENTEES_SQL = f"""
select p.mentee_employee_id as employee_id, l.full_name, l.job_title, l.department_name, p.domain,
    p.start_date, p.planned_sessions_per_month, p.completed_sessions, p.planned_sessions, p.missed_sessions,
    p.completion_rate, p.avg_feedback, p.engagement_score
from marts.fct_mentorship_pairs as p
inner join marts.dim_leaders as l on l.employee_id = p.mentee_employee_id
where p.mentor_employee_id = $viewer and p.is_active and {granted("p.mentee_employee_id", DEVELOPMENT)}
order by l.full_name
"""


def mentees(marts: MartsReader, viewer: str) -> list[dict[str, Any]]:
    """The viewer's active mentees, with each pair's sessions and engagement score; none when the
    organisation does not track mentoring pairs."""
    if configured.not_tracked("mentoring"):
        return []
    return marts.rows(MENTEES_SQL, viewer=viewer)


# A department is visible to a viewer who may read every active member's scorecard (or is the member).
DEPARTMENTS_SQL = f"""
select d.department_id, any_value(d.department_name) as department_name,
    count(*) filter (where d.is_active) as headcount
from marts.dim_leaders as d
group by d.department_id
having bool_and(not d.is_active or d.employee_id = $viewer or {granted("d.employee_id", SCORECARD)})
    and ($department is null or d.department_id = $department)
order by department_name
"""

COVERAGE_SQL = f"""
select c.quarter, c.position_id, c.title, c.leadership_level, c.incumbent_employee_id,
    inc.full_name as incumbent_name, c.is_vacant, c.ready_now_successors, c.total_successors,
    c.emergency_successors, c.has_ready_now_successor, c.has_emergency_successor,
    c.incumbent_employee_id is null or {granted("c.incumbent_employee_id", SUCCESSION)} as slate_visible
from marts.fct_succession_coverage as c
left join marts.dim_leaders as inc on inc.employee_id = c.incumbent_employee_id
where c.department_id = $department
    and c.quarter = (select max(quarter) from marts.fct_succession_coverage)
order by c.has_ready_now_successor, c.leadership_level desc, c.position_id
"""

# Nobody sees a slate for their own position, nor themselves on a slate: SUCCESSION is never self.
SLATES_SQL = f"""
with latest as (
    select employee_id, readiness_pct, promotion_probability
    from marts.fct_promotion_readiness
    qualify row_number() over (partition by employee_id order by month desc) = 1
)
select s.position_id, s.candidate_employee_id, l.full_name, l.job_title, s.readiness,
    s.is_emergency_successor, s.nomination_rank, r.readiness_pct, r.promotion_probability
from marts.fct_succession_slates as s
inner join marts.dim_leaders as l on l.employee_id = s.candidate_employee_id
left join latest as r on r.employee_id = s.candidate_employee_id
where s.department_id = $department
    and s.quarter = (select max(quarter) from marts.fct_succession_slates)
    and {granted("s.candidate_employee_id", SUCCESSION)}
    and (s.incumbent_employee_id is null or {granted("s.incumbent_employee_id", SUCCESSION)})
order by s.position_id, s.nomination_rank
"""


def departments(marts: MartsReader, viewer: str) -> list[dict[str, Any]]:
    return marts.rows(DEPARTMENTS_SQL, viewer=viewer, department=None)


def department(marts: MartsReader, viewer: str, department_id: str) -> dict[str, Any] | None:
    """KPI tiles, the effectiveness trend and succession coverage with slates; None when out of scope."""
    found = marts.row(DEPARTMENTS_SQL, viewer=viewer, department=department_id)
    if found is None:
        return None
    group = min_group()
    untracked = configured.not_tracked("succession", "predictions")
    positions = []
    if "succession" not in untracked:
        positions = marts.rows(COVERAGE_SQL, viewer=viewer, department=department_id)
        slates = marts.rows(SLATES_SQL, viewer=viewer, department=department_id)
        for position in positions:
            position["slate"] = (
                [s for s in slates if s["position_id"] == position["position_id"]]
                if position["slate_visible"]
                else None
            )
    return {
        "department": found,
        "kpis": kpis.tiles(marts, "department", department_id, group),
        "trend": kpis.trend(marts, "department", department_id, "leadership_effectiveness_score", group),
        "positions": positions,
        "min_group": group,
        "not_tracked": untracked,
    }


BENCH_LEVELS_SQL = f"""
select target_level, count(*) as candidates
from marts.fct_leadership_bench as b
where b.month = (select max(month) from marts.fct_leadership_bench)
    and {granted("b.employee_id", SUCCESSION)}
group by target_level
order by target_level
"""

BENCH_SQL = f"""
select b.month, b.target_level, b.bench_rank, b.employee_id, l.full_name, l.job_title, l.department_name,
    b.leadership_level, b.readiness_pct, b.composite_score, b.competency_avg, b.expectations_met_pct,
    b.idp_on_schedule_pct, b.promotion_probability, b.months_to_ready, b.band
from marts.fct_leadership_bench as b
inner join marts.dim_leaders as l on l.employee_id = b.employee_id
where b.month = (select max(month) from marts.fct_leadership_bench)
    and b.target_level = $level and {granted("b.employee_id", SUCCESSION)}
order by b.bench_rank nulls last, b.employee_id
limit $limit
"""


def bench(marts: MartsReader, viewer: str, level: int | None, limit: int = 50) -> dict[str, Any]:
    """Candidates per target level, ranked (a candidate whose readiness is unknown has no rank and
    comes last); only people the viewer may see predictions about. ``not_tracked`` names the inputs
    of the ranking the organisation does not track (competencies, milestones, predictions)."""
    levels = marts.rows(BENCH_LEVELS_SQL, viewer=viewer)
    if level is None and levels:
        level = levels[0]["target_level"]
    candidates = marts.rows(BENCH_SQL, viewer=viewer, level=level, limit=limit) if levels else []
    untracked = configured.not_tracked("competencies", "milestones", "predictions")
    return {
        "levels": levels,
        "target_level": level,
        "candidates": candidates,
        "unknown_readiness": sum(c["readiness_pct"] is None for c in candidates),
        "readiness_target": config_values("lpss_parameters", key="parameter")["readiness_target_composite"],
        "not_tracked": untracked,
    }


HEATMAP_PEOPLE_SQL = f"""
select distinct h.employee_id, l.full_name
from marts.fct_competency_heatmap as h
inner join marts.dim_leaders as l on l.employee_id = h.employee_id
where h.month = $month and {granted("h.employee_id", DEVELOPMENT)}
    and ($department is null or l.department_id = $department)
order by l.full_name, h.employee_id
limit $limit offset $offset
"""

HEATMAP_SQL = f"""
select h.employee_id, l.full_name, h.competency_id, h.competency_name, h.competency_kind, h.rating
from marts.fct_competency_heatmap as h
inner join marts.dim_leaders as l on l.employee_id = h.employee_id
where h.month = $month and list_contains($people, h.employee_id) and {granted("h.employee_id", DEVELOPMENT)}
order by l.full_name, h.employee_id, h.competency_kind, h.competency_id
"""

HEATMAP_MONTHS_SQL = f"""
select distinct h.month
from marts.fct_competency_heatmap as h
where {granted("h.employee_id", DEVELOPMENT)}
order by h.month desc
limit 24
"""


def heatmap(
    marts: MartsReader,
    viewer: str,
    month: str | None,
    department: str | None,
    limit: int = 40,
    offset: int = 0,
) -> dict[str, Any]:
    """Person x competency ratings for one month (a page of people), from the development grants;
    nothing when competency ratings are not tracked (``not_tracked``)."""
    untracked = configured.not_tracked("competencies")
    if untracked:
        return {
            "months": [],
            "month": None,
            "department": department,
            "people": [],
            "cells": [],
            "not_tracked": untracked,
        }
    months = [str(r["month"]) for r in marts.rows(HEATMAP_MONTHS_SQL, viewer=viewer)]
    chosen = month if month in months else (months[0] if months else None)
    people = (
        marts.rows(
            HEATMAP_PEOPLE_SQL, viewer=viewer, month=chosen, department=department, limit=limit, offset=offset
        )
        if chosen
        else []
    )
    cells = (
        marts.rows(HEATMAP_SQL, viewer=viewer, month=chosen, people=[p["employee_id"] for p in people])
        if people
        else []
    )
    return {
        "months": months,
        "month": chosen,
        "department": department,
        "people": people,
        "cells": cells,
        "not_tracked": {},
    }
