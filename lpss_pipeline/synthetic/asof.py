"""The simulation as the source systems see it on one export day.

Decisions:
- A batch is exported at 06:00Z (HRIS) / 06:15Z (CRM) on ``as_of``. Anything dated after as_of
  is not in it, except what a real HRIS already holds: mentoring sessions scheduled in the next
  14 days (status ``scheduled``), and open trainings and IDP milestones with future due dates.
- Monthly and quarterly rows appear once their month has started (the export month's figures
  are month-to-date; the simulation draws them once and never restates them).
- People are visible once hired (hire_date <= as_of); a termination, a completion or a pairing's
  early end is visible once it has happened. Completions after someone left are blanked and
  reviews or assessments dated after it dropped; the month they left still has its rows.
- Snapshot state (seats, managers, heads, incumbents) is the final simulated month's, with
  people who left by as_of removed: their reports skip to the next filled seat up. Event rows
  can be read as of any earlier day too, which is how the incremental batch finds what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from .identity import emails, employee_ids
from .simulate import Simulation
from .timeline import SECONDS_PER_DAY, day_number, month_number

HRIS_EXPORT_HOUR, CRM_EXPORT_MINUTE = 6, 15


@dataclass
class AsOf:
    sim: Simulation
    as_of: date
    day: int = field(init=False)
    current: bool = field(init=False)  # as_of falls in the last simulated month
    settled_step: int = field(init=False)
    export_second: int = field(init=False)  # HRIS export instant, seconds since the epoch
    visible: np.ndarray = field(init=False)  # person hired by as_of
    active: np.ndarray = field(init=False)  # visible and not yet left
    left: np.ndarray = field(init=False)  # visible and left on or before as_of
    holder: np.ndarray = field(init=False)  # seat -> person in post on as_of, -1 when open
    seat_manager: np.ndarray = field(init=False)  # seat -> effective manager on as_of
    manager: np.ndarray = field(init=False)  # person -> manager (at leaving, for leavers)

    def __post_init__(self) -> None:
        sim, P = self.sim, self.sim.people
        last_month = sim.window.start_month + sim.window.months - 1
        if not sim.window.start_month <= month_number(self.as_of) <= last_month:
            raise ValueError(f"as_of {self.as_of} is outside the simulated window")
        self.current = month_number(self.as_of) == last_month
        # rows written by steps before the month preceding as_of's month are dated no later than
        # the month before as_of and name people hired before it: only later rows need filtering
        self.settled_step = month_number(self.as_of) - sim.window.start_month - 1
        self.day = day_number(self.as_of)
        self.export_second = self.day * SECONDS_PER_DAY + HRIS_EXPORT_HOUR * 3600
        self.visible = P["hire_day"] <= self.day
        self.left = self.visible & (P["term_day"] <= self.day)
        self.active = self.visible & ~self.left
        org = sim.org
        self.holder = np.full(org.size, -1, dtype=np.int32)
        persons = np.flatnonzero(self.active).astype(np.int32)
        self.holder[P["slot"][persons]] = persons
        self.seat_manager = np.full(org.size, -1, dtype=np.int32)
        for tier in range(org.top_tier - 1, -1, -1):
            sl = org.tier_slice(tier)
            boss = self.holder[org.parent[sl]]
            self.seat_manager[sl] = np.where(boss >= 0, boss, self.seat_manager[org.parent[sl]])
        self.manager = np.where(self.active, self.seat_manager[P["slot"]], P["manager"]).astype(np.int32)

    # --- helpers used by every table ---------------------------------------------------------
    @property
    def ceo(self) -> int:
        return int(self.holder[0])

    def seen(self, *persons: np.ndarray) -> np.ndarray:
        """Rows whose people are all visible in this export."""
        ok = np.ones(len(persons[0]), dtype=bool)
        for p in persons:
            ok &= self.visible[p]
        return ok

    def before_leaving(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        return days <= self.sim.people["term_day"][persons]

    def require_current(self) -> None:
        """Snapshots show the final simulated state, so only the last month's as_of can have them."""
        if not self.current:
            raise ValueError(f"snapshot state is only known as of the last simulated month, not {self.as_of}")

    _ids: pa.Array | None = field(default=None, init=False, repr=False)
    _emails: pa.Array | None = field(default=None, init=False, repr=False)

    @property
    def ids(self) -> pa.Array:
        if self._ids is None:
            self._ids = employee_ids(len(self.sim.people))
        return self._ids

    @property
    def emails(self) -> pa.Array:
        if self._emails is None:
            self._emails = emails(self.sim.people)
        return self._emails
