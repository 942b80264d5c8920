"""A tiny, hand-made contract organisation (six people, one department, every reference resolving) and
a warehouse that lands it with the real loader: what the data-warning, cross-system and hostile-landing
tests build their batches from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa

from lpss_pipeline.contract import BATCH_ID_FORMAT, entity
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.quality.batch_frames import BatchRef
from lpss_pipeline.quality.data_warnings import data_warnings
from lpss_pipeline.quality.quarantine import Quarantine
from lpss_pipeline.synthetic.batch_writer import write_batch
from tests.homes import settings_for, use

AS_OF = date(2026, 6, 15)  # the batches' export date: the window of three months is April to June 2026
BATCH = "2026-06-15T060000Z"


def months_before(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def person(employee_id, level, manager, hired=date(2015, 1, 1), left=None, name=None):
    return {
        "employee_id": employee_id,
        "full_name": name or f"Person {employee_id}",
        "email": f"{employee_id.lower()}@example.org",
        "hire_date": hired,
        "termination_date": left,
        "job_title": "Staff",
        "leadership_level": level,
        "level_start_date": hired,
        "department_id": "D1",
        "region": "EU",
        "manager_id": manager,
        "slack_user_id": None,
    }


def organisation(as_of: date = AS_OF) -> dict[str, list[dict]]:
    """A clean organisation on ``as_of``: E1 (level 4) at the top, E2 (2) under E1, E3 (1) under E2,
    E4 and E5 (0) under E3, and E6 (1), hired 20 days ago, under E2. E1 to E5 have a goal-attainment
    row for each of the last three months; E6 none yet (too new to be expected to)."""
    month = as_of.replace(day=1)
    return {
        "employees": [
            person("E1", 4, None, name="Ada Top"),
            person("E2", 2, "E1"),
            person("E3", 1, "E2", name="Cy Lead"),
            person("E4", 0, "E3"),
            person("E5", 0, "E3"),
            person("E6", 1, "E2", hired=as_of - timedelta(days=20)),
        ],
        "departments": [
            {
                "department_id": "D1",
                "department_name": "Sales",
                "parent_department_id": None,
                "head_employee_id": "E1",
                "executive_sponsor_id": "E1",
                "is_revenue_generating": True,
            }
        ],
        "positions": [
            {
                "position_id": "P1",
                "title": "Head of Sales",
                "leadership_level": 2,
                "department_id": "D1",
                "incumbent_employee_id": "E2",
                "is_critical": True,
            }
        ],
        "succession_nominations": [
            {
                "position_id": "P1",
                "candidate_employee_id": "E3",
                "readiness": "ready_now",
                "is_emergency_successor": True,
                "rank": 1,
                "nominated_by": "E1",
                "nominated_on": months_before(month, 12),
            }
        ],
        "mentor_assignments": [
            {
                "assignment_id": "A1",
                "mentor_employee_id": "E2",
                "mentee_employee_id": "E5",
                "domain": "sales",
                "start_date": months_before(month, 12),
                "end_date": None,
                "planned_sessions_per_month": 1,
            }
        ],
        "goal_attainment": [
            {"employee_id": e, "month": months_before(month, n), "goal_attainment_pct": 90.0}
            for e in ("E1", "E2", "E3", "E4", "E5")
            for n in range(3)
        ],
    }


def arrow(system: str, name: str, rows: list[dict]) -> pa.Table:
    return pa.table({c: [r.get(c) for r in rows] for c in entity(system, name).column_names})


def hris_batch_id(as_of: date) -> str:
    return datetime(as_of.year, as_of.month, as_of.day, 6, tzinfo=UTC).strftime(BATCH_ID_FORMAT)


class Warehouse:
    """A landing zone and a warehouse in a temporary LPSS_HOME, loading with the real loader."""

    def __init__(self, tmp_path, monkeypatch):
        self.settings = use(monkeypatch, settings_for(tmp_path / "home")).ensure()
        self.con = duckdb.connect(str(self.settings.warehouse_path))
        self.quarantine = Quarantine(self.settings.quarantine_dir)

    def land(self, rows: dict[str, list[dict]], batch_id: str = BATCH, system: str = "hris") -> BatchRef:
        tables = {name: arrow(system, name, r) for name, r in rows.items()}
        write_batch(self.settings.landing_dir, system, batch_id, tables)
        report = load_pending(
            self.con, self.settings.landing_dir, self.settings.receipts_dir, self.quarantine
        )
        assert [r.status for r in report.results if r.batch.batch_id == batch_id] == ["loaded"], [
            (r.status, r.error) for r in report.results
        ]
        return BatchRef(system, batch_id)

    def check(self, runner, system: str = "hris"):
        """The system's integrity checks (real Great Expectations ``runner``) on every batch due."""
        from lpss_pipeline.quality.integrity import check_system, landing_batch_for

        landing = self.settings.landing_dir
        return check_system(
            self.con, runner, system, self.quarantine, lambda ref: landing_batch_for(landing, ref)
        )

    def warnings(self, batch: BatchRef, check: str | None = None):
        found = data_warnings(self.con, batch, 3)
        assert not any(f.blocking for f in found)
        return [f for f in found if check is None or f.check == check]


def without(rows: list[dict], **match) -> list[dict]:
    return [r for r in rows if any(r[k] != v for k, v in match.items())]


def employee(rows: dict, employee_id: str) -> dict:
    return next(e for e in rows["employees"] if e["employee_id"] == employee_id)
