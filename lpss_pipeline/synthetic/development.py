"""Trainings, IDP milestones and competency assessments of leaders and bench candidates.

Decisions:
- Learners are leaders and bench candidates (the people LPSS develops and ranks).
- Trainings: 1-3 required courses in the first month of each quarter (due in 45-75 days) and an
  occasional optional one (due in 60-120 days). Whether and when a course is completed is drawn
  at assignment from the person's latent development engagement: some on time, some late, some
  never. Completions after the person leaves are dropped at export.
- IDP milestones: about one every three months, due 1-6 months after they are set; types from
  the contract, most naming the competency developed. On-time, late and never-completed
  milestones all occur, and people with low engagement collect consecutive misses. The first
  month opens with one milestone each, set before the window, so early months have some due.
- Competency assessments: the 12 competencies (read from the framework seed) are rated in a
  rotating third each month (competency index mod 3 = month number mod 3), so each competency is
  rated once a quarter for every leader and bench candidate, and 1M-employee runs stay at
  4 ratings per person-month. The assessor is the effective manager; the CEO (no HRIS
  assessor) is not rated.
  Ratings follow ability, a per-person strength in each competency, time in level and p_t.
"""

from __future__ import annotations

import numpy as np

from lpss_pipeline.contract.hris import MILESTONE_TYPES

from .params import PARAMS, SimParams
from .records import EventLog
from .timeline import NO_DAY, Stream, rng
from .vocabulary import COMPETENCY_PROB, MILESTONE_TYPE_PROBS, OPTIONAL_COURSES, REQUIRED_COURSES
from .workforce import DAYS_PER_YEAR, Month, Workforce

TYPE_PROBS = np.array([MILESTONE_TYPE_PROBS[t] for t in MILESTONE_TYPES])
TYPE_COMPETENCY_PROB = np.array([COMPETENCY_PROB.get(t, 1.0) for t in MILESTONE_TYPES])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _completion(gen, start, due, engagement, perf, complete_logit, on_time_logit, late_days):
    """Completion day per row: on time, late, or NO_DAY (never), from latent engagement."""
    n = len(start)
    complete = gen.random(n) < _sigmoid(complete_logit + engagement + 0.3 * perf)
    on_time = gen.random(n) < _sigmoid(on_time_logit + engagement)
    early = start + 1 + np.floor(gen.random(n) * np.maximum(due - start, 1)).astype(np.int32)
    late = due + 1 + gen.integers(0, late_days, n)
    return np.where(complete, np.where(on_time, np.minimum(early, due), late), NO_DAY)


def learners(m: Month) -> tuple[np.ndarray, np.ndarray]:
    """Leaders then bench candidates, with their effective managers."""
    pos = np.concatenate([m.leaders, m.bench])
    return m.persons[pos], m.manager[pos]


def trainings(wf: Workforce, m: Month, log: EventLog, p: SimParams = PARAMS) -> None:
    P, gen = wf.people, rng(wf.seed, Stream.TRAINING, m.t)
    who, _ = learners(m)
    month_no = wf.window.month_no(m.t)
    if month_no % 3 == 0:
        k = 1 + gen.binomial(2, p.required_extra_prob, len(who))
        req = np.repeat(who, k)
        j = np.arange(len(req)) - np.repeat(np.cumsum(k) - k, k)
        course = (month_no // 3 * 2 + j + req % 3) % len(REQUIRED_COURSES)  # distinct per person
        assigned = m.day + gen.integers(0, 10, len(req))
        due = assigned + gen.integers(45, 76, len(req))
    else:
        req = course = assigned = due = np.empty(0, dtype=np.int32)
    opt = who[gen.random(len(who)) < p.optional_prob]
    opt_assigned = m.day + gen.integers(0, m.length, len(opt))
    person = np.concatenate([req, opt])
    optional = len(REQUIRED_COURSES) + gen.integers(0, len(OPTIONAL_COURSES), len(opt))
    course = np.concatenate([course, optional])
    assigned = np.concatenate([assigned, opt_assigned])
    due = np.concatenate([due, opt_assigned + gen.integers(60, 121, len(opt))])
    completed = _completion(
        gen,
        assigned,
        due,
        P["dev"][person],
        P["perf"][person],
        p.training_complete_logit,
        p.training_on_time_logit,
        60,
    )
    log.add("trainings", person=person, course=course, assigned=assigned, due=due, completed=completed)


def milestones(wf: Workforce, m: Month, log: EventLog, p: SimParams = PARAMS) -> None:
    P, gen = wf.people, rng(wf.seed, Stream.MILESTONES, m.t)
    who, _ = learners(m)
    who = who[gen.random(len(who)) < (1.0 if m.t == 0 else p.milestone_prob)]
    n = len(who)
    kind = gen.choice(len(MILESTONE_TYPES), size=n, p=TYPE_PROBS)
    n_comp = P["strength"].shape[1]
    competency = np.where(gen.random(n) < TYPE_COMPETENCY_PROB[kind], gen.integers(0, n_comp, n), -1)
    created = m.day - gen.integers(1, 90, n) if m.t == 0 else m.day + gen.integers(0, m.length, n)
    due = created + gen.integers(30, 181, n)
    due = np.maximum(due, m.day + 14)
    completed = _completion(
        gen,
        created,
        due,
        P["dev"][who],
        P["perf"][who],
        p.milestone_complete_logit,
        p.milestone_on_time_logit,
        45,
    )
    first = wf.counters["milestone"]
    wf.counters["milestone"] += n
    log.add(
        "idp_milestones",
        milestone=first + np.arange(n),
        person=who,
        type=kind,
        competency=competency,
        created=created,
        due=due,
        completed=completed,
    )


def competency_ratings(wf: Workforce, m: Month, log: EventLog, p: SimParams = PARAMS) -> None:
    P, gen = wf.people, rng(wf.seed, Stream.COMPETENCIES, m.t)
    who, manager = learners(m)
    who, manager = who[manager >= 0], manager[manager >= 0]
    n_comp = P["strength"].shape[1]
    comps = np.flatnonzero(np.arange(n_comp) % 3 == wf.window.month_no(m.t) % 3)
    k = len(comps)
    years = np.clip((m.day - P["level_start"][who]) / DAYS_PER_YEAR, 0, 4)
    base = 3.0 + 0.55 * P["ability"][who] + 0.2 * P["perf"][who] + 0.15 * years  # per person, then per rating
    score = P["strength"][who][:, comps] + base.astype(np.float32)[:, None]
    score += gen.normal(0, 0.45, score.shape).astype(np.float32)
    rating = np.clip(np.rint(score, out=score), 1, 5, out=score).astype(np.int8).ravel()
    log.add(
        "competency_assessments",
        person=np.repeat(who, k),
        month=m.day,
        competency=np.tile(comps, len(who)),
        rating=rating,
        assessor=np.repeat(manager, k),
    )
