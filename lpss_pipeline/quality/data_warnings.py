"""Warnings about the organisation an HRIS batch describes (SPEC section 10): recorded, never blocking.

A batch can keep the export contract and still describe something that needs a person's look: a
manager who has left with reports still assigned, several people at the top of the organisation,
rows dated after the person's termination, a leader no scorecard input mentions for months. Each is
computed set-wise in DuckDB over the batch's raw rows (with the batch's employees snapshot, or the
latest good one before it) and returned as a non-blocking :class:`Finding` on the entity it is about;
integrity.py records it beside the raw suites' findings, so `lpss quality` and the Dagster check
show it, and it never quarantines a batch. Only tracked entities (tracked_entities.csv) are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from lpss_pipeline.config import config_rows, tracked_entities
from lpss_pipeline.contract import entity
from lpss_pipeline.ingestion.errors import Finding

from .batch_frames import GOOD, BatchRef, entities_in, reference_batch

SHOWN = 5  # people or rows named in a warning's message; the finding counts them all


@dataclass(frozen=True)
class Dated:
    """Which people a row of an entity is about (SQL over the row ``t`` and, for mentoring sessions, its
    assignment ``a``), and its date columns that cannot lie after their last day of employment."""

    people: tuple[str, ...]
    days: tuple[str, ...]
    where: str = "true"


_EMPLOYEE, _LEADER = ("t.employee_id",), ("t.leader_employee_id",)
AFTER_TERMINATION: dict[str, Dated] = {
    "succession_nominations": Dated(("t.candidate_employee_id",), ("nominated_on",)),
    "goal_attainment": Dated(_EMPLOYEE, ("month",)),
    "engagement_surveys": Dated(_LEADER, ("survey_quarter",)),
    "one_on_one_feedback": Dated(_LEADER, ("month",)),
    "trainings": Dated(_EMPLOYEE, ("assigned_on", "completed_on")),
    "idp_milestones": Dated(_EMPLOYEE, ("completed_on",)),
    "mentor_assignments": Dated(("t.mentor_employee_id", "t.mentee_employee_id"), ("start_date",)),
    "mentoring_sessions": Dated(
        ("a.mentor_employee_id", "a.mentee_employee_id"), ("scheduled_at",), "t.status <> 'cancelled'"
    ),
    "competency_assessments": Dated(_EMPLOYEE, ("month",)),
    "strategic_impact_ratings": Dated(_LEADER, ("quarter",)),
    "readiness_assessments": Dated(_EMPLOYEE, ("assessed_on",)),
    "promotions": Dated(_EMPLOYEE, ("effective_date",)),
    "leadership_reviews": Dated(_EMPLOYEE, ("held_on",)),
}
"""Months and quarters are their first day: a month that began after the last day is after it."""

# Scorecard inputs (SPEC section 3) that show a leader is being measured: SQL selecting ``person`` for
# rows dated in the months [$start, $end). Monthly rows count in their month, quarterly ones in any
# month of their quarter, a training when it was assigned, due or completed, a mentoring session as
# the mentee's, CRM revenue through the owner's e-mail.
_MONTHLY = "t.{col} >= $start AND t.{col} < $end"
_QUARTERLY = "t.{col} < $end AND t.{col} + INTERVAL 3 MONTH > $start"
SCORECARD_INPUTS: dict[tuple[str, str], tuple[str, str]] = {
    ("hris", "goal_attainment"): ("t.employee_id", _MONTHLY.format(col="month")),
    ("hris", "engagement_surveys"): ("t.leader_employee_id", _QUARTERLY.format(col="survey_quarter")),
    ("hris", "one_on_one_feedback"): ("t.leader_employee_id", _MONTHLY.format(col="month")),
    ("hris", "trainings"): (
        "t.employee_id",
        " OR ".join(f"({_MONTHLY.format(col=c)})" for c in ("assigned_on", "due_date", "completed_on")),
    ),
    ("hris", "mentoring_sessions"): (
        "a.mentee_employee_id",
        "CAST(t.scheduled_at AS DATE) >= $start AND CAST(t.scheduled_at AS DATE) < $end",
    ),
    ("hris", "strategic_impact_ratings"): ("t.leader_employee_id", _QUARTERLY.format(col="quarter")),
    ("crm", "team_revenue"): ("e.employee_id", _MONTHLY.format(col="month")),
}


def _table(system: str, name: str) -> str:
    return f'raw."{entity(system, name).raw_table}"'


def _good(system: str) -> str:
    """The batch-frames filter on rows of batches that are good, for ``system``."""
    return GOOD.replace("$system", f"'{system}'")


def _listed(items: list[str], total: int) -> str:
    more = f" and {total - len(items)} more" if total > len(items) else ""
    return "; ".join(items) + more


def _people_sql() -> str:
    """The employees of batch ``$batch`` with whether each is active on ``$as_of`` (employed that day:
    hired on or before it, last day not before it, as in int_employees_current)."""
    return (
        "SELECT *, hire_date <= $as_of AND (termination_date IS NULL OR termination_date >= $as_of) "
        f"AS is_active FROM {_table('hris', 'employees')} WHERE _batch_id = $batch"
    )


def departed_managers(con: duckdb.DuckDBPyConnection, batch: BatchRef) -> list[Finding]:
    """Managers who have left while active people still report to them."""
    rows = con.execute(
        f"""
        WITH emp AS ({_people_sql()})
        SELECT m.employee_id, m.full_name, m.termination_date, count(*) AS reports,
            list(r._source_row ORDER BY r._source_row) AS source_rows
        FROM emp AS r JOIN emp AS m ON m.employee_id = r.manager_id
        WHERE r.is_active AND m.termination_date < $as_of
        GROUP BY ALL ORDER BY reports DESC, m.employee_id""",
        {"as_of": batch.export_date, "batch": batch.batch_id},
    ).fetchall()
    if not rows:
        return []
    reports = sum(r[3] for r in rows)
    named = [f"{i} {name} (left {left}): {n} active report{'s' * (n > 1)}" for i, name, left, n, _ in rows]
    return [
        Finding(
            f"{batch.label}/employees",
            f"{len(rows)} manager(s) who have left still have {reports} active direct report(s), whose "
            f"manager_id needs updating: {_listed(named[:SHOWN], len(rows))}",
            column="manager_id",
            rows=tuple(sorted(x for r in rows for x in r[4])[:SHOWN]),
            affected=reports,
            check="departed_manager",
            blocking=False,
        )
    ]


def several_tops(con: duckdb.DuckDBPyConnection, batch: BatchRef) -> list[Finding]:
    """More than one active person without a manager: the top of the organisation is the most senior
    of them (then the one with the most active direct reports); the others are listed."""
    rows = con.execute(
        f"""
        WITH emp AS ({_people_sql()}),
        reports AS (SELECT manager_id, count(*) AS n FROM emp WHERE is_active GROUP BY manager_id)
        SELECT e.employee_id, e.full_name, e.leadership_level, e._source_row
        FROM emp AS e LEFT JOIN reports AS r ON r.manager_id = e.employee_id
        WHERE e.is_active AND e.manager_id IS NULL
        ORDER BY e.leadership_level DESC, coalesce(r.n, 0) DESC, e.employee_id""",
        {"as_of": batch.export_date, "batch": batch.batch_id},
    ).fetchall()
    if len(rows) < 2:
        return []
    top, others = rows[0], rows[1:]
    named = [f"{i} {name} (level {level})" for i, name, level, _ in others]
    return [
        Finding(
            f"{batch.label}/employees",
            f"{len(others)} active people without a manager besides the top of the organisation "
            f"{top[0]} {top[1]} (level {top[2]}): {_listed(named[:SHOWN], len(others))}",
            column="manager_id",
            rows=tuple(sorted(r[3] for r in others)[:SHOWN]),
            affected=len(others),
            check="several_tops",
            blocking=False,
        )
    ]


def events_after_termination(
    con: duckdb.DuckDBPyConnection, batch: BatchRef, names: set[str], employees: str
) -> list[Finding]:
    """Per entity of the batch, its rows dated after the termination of the person they are about."""
    findings = []
    for name, dated in AFTER_TERMINATION.items():
        if name not in names:
            continue
        join, assignments = "", None
        if any(p.startswith("a.") for p in dated.people):
            assignments = reference_batch(con, "hris", "mentor_assignments", batch)
            if assignments is None:
                continue
            join = (
                f"JOIN {_table('hris', 'mentor_assignments')} AS a ON a.assignment_id = t.assignment_id "
                "AND a._batch_id = $assignments"
            )
        dated_rows = " UNION ALL ".join(
            f"SELECT t._source_row, {p} AS person, '{d}' AS what, CAST(t.\"{d}\" AS DATE) AS day "
            f"FROM {_table('hris', name)} AS t {join} WHERE t._batch_id = $batch AND {dated.where}"
            for p in dated.people
            for d in dated.days
        )
        params = {"batch": batch.batch_id, "employees": employees}
        if join:
            params["assignments"] = assignments
        count, source_rows, columns, examples = con.execute(
            f"""
            WITH late AS (
                SELECT DISTINCT ON (r._source_row) r._source_row, r.person, r.what, r.day, e.termination_date
                FROM ({dated_rows}) AS r
                JOIN {_table("hris", "employees")} AS e
                    ON e.employee_id = r.person AND e._batch_id = $employees
                WHERE r.day > e.termination_date
                ORDER BY r._source_row, r.day DESC, r.person
            )
            SELECT count(*), list(_source_row ORDER BY _source_row)[1:{SHOWN}],
                list(DISTINCT what ORDER BY what),
                list(format('{{}} left {{}}, {{}} {{}}', person, termination_date, what, day)
                    ORDER BY _source_row)[1:{SHOWN}]
            FROM late""",
            params,
        ).fetchone()
        if count:
            findings.append(
                Finding(
                    f"{batch.label}/{name}",
                    f"{count} row(s) dated after the last day of employment of the person they are about "
                    f"(e.g. {'; '.join(examples)})",
                    column=", ".join(columns),
                    rows=tuple(source_rows),
                    affected=count,
                    check="after_termination",
                    blocking=False,
                )
            )
    return findings


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _leader_levels() -> tuple[list[int], list[int]]:
    """(the levels leadership_levels.csv marks as leaders, every level it names); a level it does not
    name is a leader from level 1 up, as in int_employees_current."""
    rows = config_rows("leadership_levels")
    return (
        [int(r["leadership_level"]) for r in rows if r["is_leader"] == "true"],
        [int(r["leadership_level"]) for r in rows],
    )


def leaders_without_input(
    con: duckdb.DuckDBPyConnection, batch: BatchRef, months: int, hris: frozenset[str], crm: frozenset[str]
) -> list[Finding]:
    """Active leaders, employed through the whole window, whom no row of any tracked scorecard input
    mentions in the ``months`` months up to the batch's as-of month."""
    tracked = {("hris", n) for n in hris} | {("crm", n) for n in crm}
    inputs = [k for k in SCORECARD_INPUTS if k in tracked]
    if ("hris", "mentoring_sessions") in inputs and ("hris", "mentor_assignments") not in tracked:
        inputs.remove(("hris", "mentoring_sessions"))
    if not inputs or months < 1:
        return []
    selects = []
    for system, name in inputs:
        person, when = SCORECARD_INPUTS[(system, name)]
        rows = f"(SELECT * FROM {_table(system, name)} WHERE {_good(system)})"
        join = ""
        if name == "mentoring_sessions":
            join = (
                f"JOIN (SELECT DISTINCT assignment_id, mentee_employee_id FROM "
                f"{_table('hris', 'mentor_assignments')} WHERE {_good('hris')}) AS a "
                "ON a.assignment_id = t.assignment_id"
            )
        elif system == "crm":
            join = "JOIN emp AS e ON e._email_normalized = t._owner_email_normalized"  # contract/emails.py
        selects.append(f"SELECT {person} AS person FROM {rows} AS t {join} WHERE {when}")
    end_month = batch.export_date.replace(day=1)
    start, end = _months_back(end_month, months - 1), _months_back(end_month, -1)
    leader_levels, configured = _leader_levels()
    count, named, source_rows = con.execute(
        f"""
        WITH emp AS ({_people_sql()}),
        measured AS ({" UNION ".join(selects)}),
        silent AS (
            SELECT e.employee_id, e.full_name, e.leadership_level, e._source_row FROM emp AS e
            WHERE e.is_active AND e.hire_date < $start
                AND (list_contains($leader_levels, e.leadership_level)
                    OR (NOT list_contains($configured, e.leadership_level) AND e.leadership_level >= 1))
                AND e.employee_id NOT IN (SELECT person FROM measured WHERE person IS NOT NULL)
        )
        SELECT count(*),
            list(format('{{}} {{}} (level {{}})', employee_id, full_name, leadership_level)
                ORDER BY leadership_level DESC, employee_id)[1:{SHOWN}],
            list(_source_row ORDER BY _source_row)[1:{SHOWN}]
        FROM silent""",
        {
            "as_of": batch.export_date,
            "batch": batch.batch_id,
            "start": start,
            "end": end,
            "leader_levels": leader_levels,
            "configured": configured,
        },
    ).fetchone()
    if not count:
        return []
    looked = ", ".join(name for _, name in inputs)
    return [
        Finding(
            f"{batch.label}/employees",
            f"{count} active leader(s) with no scorecard input in {start:%Y-%m} to {end_month:%Y-%m} "
            f"(none in {looked}): {_listed(named, count)}",
            column="employee_id",
            rows=tuple(source_rows),
            affected=count,
            check="leader_without_input",
            blocking=False,
        )
    ]


def data_warnings(con: duckdb.DuckDBPyConnection, batch: BatchRef, months: int) -> list[Finding]:
    """Every warning of an HRIS batch; none for a CRM batch. The employee-level warnings come with
    the batch's employees snapshot (a batch without one described no new organisation); rows
    after termination are checked against the batch's employees, else the latest good ones."""
    if batch.system != "hris":
        return []
    hris = tracked_entities("hris")
    names = {e.name for e in entities_in(con, batch)} & hris
    findings = []
    if "employees" in names:
        findings += departed_managers(con, batch)
        findings += several_tops(con, batch)
        findings += leaders_without_input(con, batch, months, hris, tracked_entities("crm"))
    employees = reference_batch(con, "hris", "employees", batch)
    if employees is not None:
        findings += events_after_termination(con, batch, names, employees)
    return findings
