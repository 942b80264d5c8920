"""Defects of single values: duplicate or null keys, unknown references, out-of-range or bad values."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from .csv_batch import (
    ROW,
    UNKNOWN_DEPARTMENT,
    UNKNOWN_MANAGER,
    UNKNOWN_MENTEE,
    DefectNotApplicable,
    _days,
    _export_date,
    _is_active,
    _is_active_ic,
    _read,
    _save,
    _set_cell,
)
from .registry import _register


@_register(
    "duplicate_employee_id",
    "hris",
    "employees",
    "employee_id",
    "ingest",
    "Row 3 of the employees snapshot carries row 2's employee_id: the natural key repeats.",
)
def _duplicate_employee_id(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    if len(table.rows) < ROW:
        raise DefectNotApplicable("employees needs at least 3 rows")
    table.set(ROW - 1, "employee_id", table.get(ROW - 2, "employee_id"))
    _save(batch_dir, table)


_register(
    "null_key",
    "hris",
    "goal_attainment",
    "employee_id",
    "ingest",
    "Goal attainment row 3 has an empty employee_id, part of its natural key.",
)(_set_cell("goal_attainment", "employee_id", ""))


@_register(
    "reporting_line_cycle",
    "hris",
    "employees",
    "manager_id",
    "checks",
    "The first two active non-CEO managers (file order) report to each other: A.manager_id = B, "
    "B.manager_id = A, a cycle in the reporting line.",
)
def _reporting_line_cycle(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    rows = [table.row(i) for i in range(len(table.rows))]
    managers = {r["manager_id"] for r in rows if _is_active(r)}
    pair = [
        i for i, r in enumerate(rows) if _is_active(r) and r["manager_id"] and r["employee_id"] in managers
    ]
    if len(pair) < 2:
        raise DefectNotApplicable("employees needs two active managers below the CEO")
    a, b = pair[:2]
    table.set(a, "manager_id", rows[b]["employee_id"])
    table.set(b, "manager_id", rows[a]["employee_id"])
    _save(batch_dir, table)


_register(
    "unknown_manager",
    "hris",
    "employees",
    "manager_id",
    "checks",
    f"The 3rd employee with a manager reports to {UNKNOWN_MANAGER}, an id that exists nowhere.",
)(_set_cell("employees", "manager_id", UNKNOWN_MANAGER, where=lambda r: r["manager_id"]))


_register(
    "unknown_department",
    "hris",
    "employees",
    "department_id",
    "checks",
    f"Employee row 3 belongs to department {UNKNOWN_DEPARTMENT}, which departments does not have.",
)(_set_cell("employees", "department_id", UNKNOWN_DEPARTMENT))


_register(
    "rating_out_of_range",
    "hris",
    "competency_assessments",
    "rating",
    "checks",
    "Competency assessment row 3 has rating 7 on the 1-5 scale.",
)(_set_cell("competency_assessments", "rating", "7"))


_register(
    "negative_revenue",
    "crm",
    "team_revenue",
    "revenue",
    "checks",
    "CRM team revenue row 3 has revenue -1500.",
)(_set_cell("team_revenue", "revenue", "-1500"))


@_register(
    "hire_date_in_future",
    "hris",
    "employees",
    "hire_date",
    "checks",
    "The 3rd active individual contributor's hire_date is 400 days after the export date "
    "(level_start_date is left as it was).",
)
def _hire_date_in_future(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    future = _export_date(batch_dir) + timedelta(days=400)
    table.set(table.pick(_is_active_ic, otherwise=_is_active), "hire_date", future.isoformat())
    _save(batch_dir, table)


@_register(
    "termination_before_hire",
    "hris",
    "employees",
    "termination_date",
    "checks",
    "The 3rd leaver's termination_date is 30 days before their hire_date (an active individual "
    "contributor's if the snapshot has no leavers).",
)
def _termination_before_hire(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "employees")
    i = table.pick(lambda r: r["termination_date"], otherwise=_is_active_ic)
    table.set(i, "termination_date", _days(table.get(i, "hire_date"), -30))
    _save(batch_dir, table)


_register(
    "type_drift",
    "hris",
    "goal_attainment",
    "goal_attainment_pct",
    "ingest",
    "Goal attainment row 3 has goal_attainment_pct 'high' instead of a number.",
)(_set_cell("goal_attainment", "goal_attainment_pct", "high"))


@_register(
    "crm_emails_unmatched",
    "crm",
    "team_revenue",
    "owner_email",
    "checks",
    "Every 4th CRM team revenue row (rows 1, 5, 9, ...: at least 25%) has owner_email "
    "unknown.person<n>@example.com, which no employee has.",
)
def _crm_emails_unmatched(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "team_revenue")
    if not table.rows:
        raise DefectNotApplicable("team_revenue has no rows")
    for n, i in enumerate(range(0, len(table.rows), 4), start=1):
        table.set(i, "owner_email", f"unknown.person{n}@example.com")
    _save(batch_dir, table)


@_register(
    "milestone_completed_before_assigned",
    "hris",
    "idp_milestones",
    "completed_on",
    "checks",
    "The contract has no assignment date, so the owner's hire date stands for it: the 3rd milestone "
    "whose owner is in employees.csv gets completed_on = that hire_date - 60 days.",
)
def _milestone_completed_before_assigned(batch_dir: Path, landing_dir: Path) -> None:
    people = _read(batch_dir, "employees")
    hired = {people.get(i, "employee_id"): people.get(i, "hire_date") for i in range(len(people.rows))}
    table = _read(batch_dir, "idp_milestones")
    i = table.pick(lambda r: r["employee_id"] in hired)
    table.set(i, "completed_on", _days(hired[table.get(i, "employee_id")], -60))
    _save(batch_dir, table)


@_register(
    "training_completed_before_assigned",
    "hris",
    "trainings",
    "completed_on",
    "checks",
    "Training row 3 has completed_on = assigned_on - 10 days.",
)
def _training_completed_before_assigned(batch_dir: Path, landing_dir: Path) -> None:
    table = _read(batch_dir, "trainings")
    i = table.pick()
    table.set(i, "completed_on", _days(table.get(i, "assigned_on"), -10))
    _save(batch_dir, table)


_register(
    "invalid_session_status",
    "hris",
    "mentoring_sessions",
    "status",
    "checks",
    "The 3rd mentoring session without mentee feedback (else row 3) has status 'postponed', "
    "not an allowed value.",
)(
    _set_cell(
        "mentoring_sessions",
        "status",
        "postponed",
        where=lambda r: not r["mentee_feedback"],
        otherwise=lambda r: True,
    )
)


_register(
    "unknown_mentee",
    "hris",
    "mentor_assignments",
    "mentee_employee_id",
    "checks",
    f"Mentor assignment row 3 has mentee_employee_id {UNKNOWN_MENTEE}, an id that exists nowhere.",
)(_set_cell("mentor_assignments", "mentee_employee_id", UNKNOWN_MENTEE))
