"""Event entities as of an export day, from the simulation's logs (see asof.py for what is visible).

Each entity is a spec: the log it reads, which rows the export day can see, and how rows become
contract columns. Rows written more than a month before as_of's month are always visible, so
only the last two months' rows are filtered; the rest go to Arrow as views, never copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa

from lpss_pipeline.contract.hris import MILESTONE_TYPES, REVIEW_OUTCOMES, SESSION_STATUSES

from .asof import AsOf
from .columns import coded, dates, fixed_ids, table
from .mentoring import CANCELLED, COMPLETED
from .params import PARAMS
from .snapshots import assignment_ids, exported_assignments, position_ids
from .timeline import SECONDS_PER_DAY
from .vocabulary import MILESTONE_TITLES, OPTIONAL_COURSES, REQUIRED_COURSES

Rows = dict[str, np.ndarray]
SCHEDULED = SESSION_STATUSES.index("scheduled")
COURSE_IDS = tuple(f"REQ-{k + 1:03d}" for k in range(len(REQUIRED_COURSES))) + tuple(
    f"OPT-{k + 1:03d}" for k in range(len(OPTIONAL_COURSES))
)


def _int(values: np.ndarray) -> pa.Array:
    """Narrow integers as they are (no copy); ``conform`` widens them to the contract's int64."""
    return pa.array(np.ascontiguousarray(values))


def _completion(v: AsOf, person: np.ndarray, completed: np.ndarray) -> pa.Array:
    """Completion dates known on as_of and not after the person left."""
    unknown = (completed > v.day) | (completed > v.sim.people["term_day"][person])
    return dates(completed, null=unknown)


def _goal_attainment(v: AsOf, f: Rows) -> pa.Table:
    return table(
        employee_id=coded(f["person"], v.ids), month=dates(f["month"]), goal_attainment_pct=pa.array(f["pct"])
    )


def _engagement_surveys(v: AsOf, f: Rows) -> pa.Table:
    return table(
        leader_employee_id=coded(f["person"], v.ids),
        survey_quarter=dates(f["quarter"]),
        team_satisfaction=pa.array(f["satisfaction"]),
        responses=_int(f["responses"]),
        invited=_int(f["invited"]),
    )


def _one_on_one_feedback(v: AsOf, f: Rows) -> pa.Table:
    return table(
        leader_employee_id=coded(f["person"], v.ids),
        month=dates(f["month"]),
        feedback_requested=_int(f["requested"]),
        feedback_completed=_int(f["completed"]),
    )


def _trainings(v: AsOf, f: Rows) -> pa.Table:
    names = REQUIRED_COURSES + OPTIONAL_COURSES
    return table(
        employee_id=coded(f["person"], v.ids),
        course_id=coded(f["course"], COURSE_IDS),
        assigned_on=dates(f["assigned"]),
        course_name=coded(f["course"], names),
        is_required=pa.array(f["course"] < len(REQUIRED_COURSES)),
        due_date=dates(f["due"]),
        completed_on=_completion(v, f["person"], f["completed"]),
    )


def _milestone_titles(competencies) -> list[str]:
    return [
        MILESTONE_TITLES[kind][0].format(c=c.name) if c else MILESTONE_TITLES[kind][1]
        for kind in MILESTONE_TYPES
        for c in (None, *competencies)
    ]


def _idp_milestones(v: AsOf, f: Rows) -> pa.Table:
    comps = v.sim.competencies
    title = f["type"].astype(np.int32) * (len(comps) + 1) + f["competency"] + 1
    return table(
        milestone_id=fixed_ids("M", f["milestone"] + 1, 8),
        employee_id=coded(f["person"], v.ids),
        milestone_type=coded(f["type"], MILESTONE_TYPES),
        title=coded(title, _milestone_titles(comps)),
        competency_id=coded(f["competency"], [c.competency_id for c in comps]),
        due_date=dates(f["due"]),
        completed_on=_completion(v, f["person"], f["completed"]),
    )


def _sessions_visible(v: AsOf, f: Rows) -> np.ndarray:
    exported = np.zeros(len(v.sim.assignments), dtype=bool)
    exported[exported_assignments(v)] = True
    horizon = v.export_second + PARAMS.scheduled_horizon_days * SECONDS_PER_DAY
    return exported[f["assignment"]] & (f["at"] <= horizon)


def _mentoring_sessions(v: AsOf, f: Rows) -> pa.Table:
    A = v.sim.assignments
    end = np.minimum(A["planned_end"], A["end"])[f["assignment"]]
    ended = (end <= v.day) & (f["at"] // SECONDS_PER_DAY > end)  # after a pairing ended: cancelled
    status = np.where(ended, CANCELLED, np.where(f["at"] > v.export_second, SCHEDULED, f["status"]))
    return table(
        session_id=fixed_ids("S", f["session"] + 1, 9),
        assignment_id=assignment_ids(f["assignment"]),
        scheduled_at=pa.array(f["at"], type=pa.timestamp("s", tz="UTC")),
        status=coded(status, SESSION_STATUSES),
        mentee_feedback=pa.array(f["feedback"].astype(np.int64), mask=status != COMPLETED),
    )


def _competency_assessments(v: AsOf, f: Rows) -> pa.Table:
    return table(
        employee_id=coded(f["person"], v.ids),
        month=dates(f["month"]),
        competency_id=coded(f["competency"], [c.competency_id for c in v.sim.competencies]),
        rating=_int(f["rating"]),
        assessor_employee_id=coded(f["assessor"], v.ids),
    )


def _strategic_impact_ratings(v: AsOf, f: Rows) -> pa.Table:
    return table(
        leader_employee_id=coded(f["person"], v.ids),
        quarter=dates(f["quarter"]),
        project_execution=pa.array(f["execution"]),
        innovation=pa.array(f["innovation"]),
        cross_functional_influence=pa.array(f["influence"]),
        rated_by=coded(f["rater"], v.ids),
    )


def _readiness_assessments(v: AsOf, f: Rows) -> pa.Table:
    return table(
        employee_id=coded(f["person"], v.ids),
        assessed_on=dates(f["day"]),
        target_level=_int(f["target"]),
        assessed_ready=pa.array(f["ready"]),
        assessor_employee_id=coded(f["assessor"], v.ids),
    )


def _promotions(v: AsOf, f: Rows) -> pa.Table:
    return table(
        employee_id=coded(f["person"], v.ids),
        effective_date=dates(f["day"]),
        from_level=_int(f["from_level"]),
        to_level=_int(f["to_level"]),
        position_id=position_ids(v.sim.org.position[f["slot"]]),
    )


def _leadership_reviews(v: AsOf, f: Rows) -> pa.Table:
    return table(
        review_id=fixed_ids("R", f["review"] + 1, 7),
        employee_id=coded(f["person"], v.ids),
        held_on=dates(f["day"]),
        outcome=coded(f["outcome"], REVIEW_OUTCOMES),
    )


def _held_while_employed(v: AsOf, f: Rows) -> np.ndarray:
    return f["day"] <= v.sim.people["term_day"][f["person"]]


@dataclass(frozen=True)
class EventSpec:
    date: str  # field that must fall on or before as_of
    people: tuple[str, ...]  # fields naming people who must be visible
    build: Callable[[AsOf, Rows], pa.Table]
    visible: Callable[[AsOf, Rows], np.ndarray] | None = None  # replaces the date/people rule
    always: Callable[[AsOf, Rows], np.ndarray] | None = None  # applied to every row (small logs only)


SPECS: dict[str, EventSpec] = {
    "goal_attainment": EventSpec("month", ("person",), _goal_attainment),
    "engagement_surveys": EventSpec("known", ("person",), _engagement_surveys),
    "one_on_one_feedback": EventSpec("month", ("person",), _one_on_one_feedback),
    "trainings": EventSpec("assigned", ("person",), _trainings),
    "idp_milestones": EventSpec("created", ("person",), _idp_milestones),
    "mentoring_sessions": EventSpec("at", (), _mentoring_sessions, visible=_sessions_visible),
    "competency_assessments": EventSpec("month", ("person", "assessor"), _competency_assessments),
    "strategic_impact_ratings": EventSpec("known", ("person", "rater"), _strategic_impact_ratings),
    "readiness_assessments": EventSpec(
        "day", ("person", "assessor"), _readiness_assessments, always=_held_while_employed
    ),
    "promotions": EventSpec("day", ("person",), _promotions),
    "leadership_reviews": EventSpec("day", ("person",), _leadership_reviews, always=_held_while_employed),
}


def event_table(v: AsOf, name: str) -> pa.Table:
    spec, log = SPECS[name], v.sim.log
    frame = log.frame(name)
    cut = log.rows_before(name, v.settled_step)
    head = {k: a[:cut] for k, a in frame.items()}
    tail = {k: a[cut:] for k, a in frame.items()}
    keep = (
        spec.visible(v, tail)
        if spec.visible
        else (tail[spec.date] <= v.day) & v.seen(*(tail[c] for c in spec.people))
    )
    parts = [head, tail if keep.all() else {k: a[keep] for k, a in tail.items()}]
    if spec.always:
        parts = [{k: a[m] for k, a in part.items()} for part in parts for m in [spec.always(v, part)]]
    return pa.concat_tables([spec.build(v, part) for part in parts])


EVENT_TABLES: dict[str, Callable[[AsOf], pa.Table]] = {
    name: partial(event_table, name=name) for name in SPECS
}
