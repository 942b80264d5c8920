"""Mentor assignments and their sessions.

Decisions:
- Mentees are bench candidates and level 1-2 leaders without a current mentor; 45% are already
  paired when the window opens (assignments may start before it), then 8% a month start one.
- The mentor is one level more senior (two levels 30% of the time, capped at 4), drawn from
  people in post, redrawn once if in the mentee's division, so most pairs sit outside the
  mentee's reporting line. Leads without reports (org.py) have the time: a share of level-1
  mentors (``lead_mentor_share``) is drawn from half of them (the even seats; the others mentor no
  one, so the organisation has leaders with neither reports nor mentees). The domain is the mentee's weakest
  competency.
- Pairings run 6 or 12 months, a quarter open-ended, with 1-2 planned sessions a month; they
  end early when either person leaves.
- Sessions are planned a month ahead (in month t for month t+1), which is how an HRIS holds
  future ``scheduled`` sessions at export time. Each session's outcome is drawn when planned
  (completed, missed or cancelled, by the mentee's engagement; feedback 1-5 on completed ones)
  and shown only once its time has passed; sessions after a pairing ended become cancelled.
"""

from __future__ import annotations

import numpy as np

from lpss_pipeline.contract.hris import SESSION_STATUSES

from .params import PARAMS, SimParams
from .records import I1, I2, I4, EventLog, Store
from .timeline import NO_DAY, SECONDS_PER_DAY, Stream, rng
from .workforce import Month, Workforce

ASSIGNMENT_FIELDS = {
    "mentor": I4,
    "mentee": I4,
    "domain": I2,
    "start": I4,
    "planned_end": I4,
    "end": I4,
    "per_month": I1,
}
COMPLETED, MISSED, CANCELLED = (SESSION_STATUSES.index(s) for s in ("completed", "missed", "cancelled"))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Mentoring:
    def __init__(self, wf: Workforce, p: SimParams = PARAMS) -> None:
        self.wf, self.p = wf, p
        self.assignments = Store(ASSIGNMENT_FIELDS, capacity=max(1024, wf.org.size // 4))

    def actual_end(self) -> np.ndarray:
        return np.minimum(self.assignments["planned_end"], self.assignments["end"])

    def start_pairs(self, m: Month, log: EventLog) -> None:
        wf, p, P = self.wf, self.p, self.wf.people
        gen = rng(wf.seed, Stream.MENTORING, m.t)
        level = P["level"][m.persons]
        eligible = np.zeros(len(m.persons), dtype=bool)
        eligible[m.bench] = True
        eligible |= (level == 1) | (level == 2)
        cand = m.persons[eligible]
        cand = cand[P["mentored_until"][cand] < m.day]
        mentee = cand[gen.random(len(cand)) < (p.mentee_initial_share if m.t == 0 else p.mentee_start_prob)]
        n = len(mentee)
        # people in post grouped by level; a level with nobody falls back to the next one up
        order = np.argsort(level, kind="stable")
        by_level, counts = m.persons[order], np.bincount(level, minlength=5)
        firsts = np.cumsum(counts) - counts
        staffed = np.array([next(u for u in range(lv, 5) if counts[u] or u == 4) for lv in range(5)])
        target = staffed[np.minimum(P["level"][mentee] + 1 + (gen.random(n) < 0.3), 4)]

        def draw():
            return by_level[firsts[target] + np.floor(gen.random(n) * counts[target]).astype(np.int64)]

        mentor, second = draw(), draw()
        division = wf.slot_division
        same = division[P["slot"][mentor]] == division[P["slot"][mentee]]
        mentor = np.where(same, second, mentor)
        seats = P["slot"][m.persons]
        leads = m.persons[wf.org.lead[seats] & (seats % 2 == 0)]  # half the lead seats mentor
        if len(leads):
            seat = P["slot"][mentor]
            by_lead = (target == 1) & (gen.random(n) < p.lead_mentor_share)
            by_lead |= wf.org.lead[seat] & (seat % 2 == 1)  # the other leads mentor no one
            mentor = np.where(by_lead, leads[gen.integers(0, len(leads), n)], mentor)
        start = m.day - gen.integers(1, 180, n) if m.t == 0 else m.day + gen.integers(0, m.length, n)
        u = gen.random(n)
        planned_end = np.where(u < 0.25, NO_DAY, start + np.where(u < 0.6, 182, 365) - 1)
        weakest = np.argmin(P["strength"][mentee], axis=1)
        per_month = 1 + (gen.random(n) < 0.4)
        rows = self.assignments.append(
            mentor=mentor,
            mentee=mentee,
            domain=weakest,
            start=start,
            planned_end=planned_end,
            end=NO_DAY,
            per_month=per_month,
        )
        P["mentored_until"][mentee] = planned_end
        self._plan(rng(wf.seed, Stream.SESSIONS, m.t), rows, m.day, log)

    def after_departures(self, m: Month, log: EventLog) -> None:
        """End pairings whose mentor or mentee left; plan next month's sessions of the rest."""
        A, P = self.assignments, self.wf.people
        left = np.minimum(P["term_day"][A["mentor"]], P["term_day"][A["mentee"]])
        ended = left < A["end"]
        # A pairing whose person left before its first day ends on that day, never before it.
        A["end"][ended] = np.maximum(left[ended], A["start"][ended])
        mentees = A["mentee"][ended]
        P["mentored_until"][mentees] = np.minimum(P["mentored_until"][mentees], left[ended])
        active = np.flatnonzero((A["start"] < m.next_day) & (self.actual_end() >= m.next_day))
        self._plan(rng(self.wf.seed, Stream.SESSIONS_AHEAD, m.t), active.astype(np.int32), m.next_day, log)

    def _plan(self, gen, rows: np.ndarray, month_day: int, log: EventLog) -> None:
        A, P, p = self.assignments, self.wf.people, self.p
        k = A["per_month"][rows].astype(np.int64)
        row = np.repeat(rows, k)
        j = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)
        n = len(row)
        single = np.repeat(k, k) == 1
        offset = np.where(
            single, gen.integers(4, 24, n), np.where(j == 0, gen.integers(1, 12, n), gen.integers(14, 26, n))
        )
        day = month_day + offset
        end = self.actual_end()[row]
        keep = (day > A["start"][row]) & (day <= end)
        mentee, mentor = A["mentee"][row], A["mentor"][row]
        completed = gen.random(n) < _sigmoid(
            p.session_complete_logit + 0.8 * P["dev"][mentee] + 0.3 * P["perf"][mentee]
        )
        missed = gen.random(n) < p.session_missed_share
        status = np.where(completed, COMPLETED, np.where(missed, MISSED, CANCELLED))
        feedback = np.clip(np.round(3.8 + 0.4 * P["ability"][mentor] + gen.normal(0, 0.8, n)), 1, 5)
        at = (
            day.astype(np.int64) * SECONDS_PER_DAY
            + gen.integers(9, 17, n) * 3600
            + gen.integers(0, 2, n) * 1800
        )
        row, at, status, feedback = row[keep], at[keep], status[keep], feedback[keep]
        first = self.wf.counters["session"]
        self.wf.counters["session"] += len(row)
        log.add(
            "mentoring_sessions",
            session=first + np.arange(len(row)),
            assignment=row,
            at=at,
            status=status,
            feedback=np.where(status == COMPLETED, feedback, 0),
        )
