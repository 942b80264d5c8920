"""Snapshot entities (full current state) as of an export day: employees, departments,
positions, mentor assignments. Succession slates are in succession.py.

Decisions:
- ``employees`` lists everyone employed at some point in the window and hired by as_of; leavers
  keep their last level, seat, department and manager.
- A department's head is whoever holds its head seat (null while open); its executive sponsor
  is its division head when that seat is level 4 and filled, otherwise the CEO; divisions and
  the Executive Office are sponsored by the CEO.
- A pairing's ``end_date`` is its actual end once that has passed, otherwise its planned end
  (null when open-ended).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .asof import AsOf
from .columns import coded, dates, fixed_ids, table
from .identity import full_names, slack_ids
from .timeline import NO_DAY
from .vocabulary import REGIONS


def department_ids(n: int) -> pa.Array:
    return fixed_ids("D", np.arange(1, n + 1), 4)


def position_ids(numbers: np.ndarray) -> pa.Array:
    return fixed_ids("P", numbers, 6)


def assignment_ids(rows: np.ndarray) -> pa.Array:
    return fixed_ids("A", np.asarray(rows) + 1, 7)


def employees(v: AsOf) -> pa.Table:
    v.require_current()
    sim, P, org = v.sim, v.sim.people, v.sim.org
    persons = np.flatnonzero(v.visible)
    seat = P["slot"][persons]
    term = P["term_day"][persons]
    return table(
        employee_id=v.ids.take(persons),
        full_name=full_names(P).take(persons),
        email=v.emails.take(persons),
        hire_date=dates(P["hire_day"][persons]),
        termination_date=dates(term, null=term > v.day),
        job_title=coded(org.title[seat], org.titles),
        leadership_level=pa.array(P["level"][persons].astype(np.int64)),
        level_start_date=dates(P["level_start"][persons]),
        department_id=coded(org.unit[seat], department_ids(len(org.units.name))),
        region=coded(org.region[seat], REGIONS),
        manager_id=coded(v.manager[persons], v.ids),
        slack_user_id=slack_ids(len(P), sim.seed).take(persons),
    )


def departments(v: AsOf) -> pa.Table:
    v.require_current()
    org, units = v.sim.org, v.sim.org.units
    n = len(units.name)
    ids = department_ids(n)
    head = v.holder[units.head_slot]
    division_head_seat = units.head_slot[np.maximum(units.division, 0)]
    division_head = v.holder[division_head_seat]
    is_department = (units.division >= 0) & (units.division != np.arange(n))
    sponsor_is_division = is_department & (org.level[division_head_seat] == 4) & (division_head >= 0)
    sponsor = np.where(sponsor_is_division, division_head, v.ceo)
    return table(
        department_id=ids,
        department_name=pa.array(list(units.name), pa.string()),
        parent_department_id=coded(units.parent, ids),
        head_employee_id=coded(head, v.ids),
        executive_sponsor_id=coded(sponsor, v.ids),
        is_revenue_generating=pa.array(units.revenue),
    )


def positions(v: AsOf) -> pa.Table:
    v.require_current()
    org = v.sim.org
    seats = np.flatnonzero(org.level >= 1)
    return table(
        position_id=position_ids(org.position[seats]),
        title=coded(org.title[seats], org.titles),
        leadership_level=pa.array(org.level[seats].astype(np.int64)),
        department_id=coded(org.unit[seats], department_ids(len(org.units.name))),
        incumbent_employee_id=coded(v.holder[seats], v.ids),
        is_critical=pa.array(org.critical[seats]),
    )


def exported_assignments(v: AsOf) -> np.ndarray:
    A = v.sim.assignments
    return np.flatnonzero((A["start"] <= v.day) & v.seen(A["mentor"], A["mentee"]))


def mentor_assignments(v: AsOf) -> pa.Table:
    A, names = v.sim.assignments, [c.name for c in v.sim.competencies]
    rows = exported_assignments(v)
    actual = np.minimum(A["planned_end"], A["end"])[rows]
    end = np.where(actual <= v.day, actual, A["planned_end"][rows])
    return table(
        assignment_id=assignment_ids(rows),
        mentor_employee_id=v.ids.take(A["mentor"][rows]),
        mentee_employee_id=v.ids.take(A["mentee"][rows]),
        domain=coded(A["domain"][rows], names),
        start_date=dates(A["start"][rows]),
        end_date=dates(end, null=end == NO_DAY),
        planned_sessions_per_month=pa.array(A["per_month"][rows].astype(np.int64)),
    )
