"""The month loop: one organisation, ``months`` months, everything recorded in columnar logs.

The result depends only on (seed, employees, start month, months), and month t's draws only on
(seed, stream, t), so a longer simulation extends a shorter one without changing its months.
Exports (exports.py) then read the result as of any day inside the last month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .development import competency_ratings, milestones, trainings
from .mentoring import Mentoring
from .org import Org, build_org
from .performance import monthly_metrics
from .records import EventLog, Store
from .timeline import Window
from .vocabulary import Competency, load_competencies
from .workforce import Workforce


@dataclass(frozen=True)
class Simulation:
    seed: int
    window: Window
    org: Org
    people: Store
    assignments: Store
    log: EventLog
    competencies: tuple[Competency, ...]


def simulate(
    *, seed: int, employees: int, start_month: int, months: int, on_month: Callable[[int], None] | None = None
) -> Simulation:
    if months < 1:
        raise ValueError("months must be at least 1")
    competencies = load_competencies()
    window = Window(start_month, months)
    org = build_org(employees, seed)
    wf = Workforce(org, window, seed, len(competencies))
    mentoring = Mentoring(wf)
    log = EventLog()
    for t in range(months):
        log.step = t
        wf.fill(t, log)
        wf.evolve(t)
        m = wf.month(t)
        wf.talent_review(m, log)
        wf.record_truth(m, log)
        monthly_metrics(wf, m, log)
        trainings(wf, m, log)
        milestones(wf, m, log)
        competency_ratings(wf, m, log)
        mentoring.start_pairs(m, log)
        wf.depart(m)
        mentoring.after_departures(m, log)
        if on_month:
            on_month(t)
    return Simulation(
        seed=seed,
        window=window,
        org=org,
        people=wf.people,
        assignments=mentoring.assignments,
        log=log,
        competencies=competencies,
    )
