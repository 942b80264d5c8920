"""Leaders' monthly metric paths, drawn from latent performance p_t (workforce.py).

Decisions:
- Every metric is a noisy, clipped function of the same p_t, so a leader's scorecard follows an
  autocorrelated path around their ability and crosses bands believably.
- Goal attainment is recorded for leaders and bench candidates only, not every individual
  contributor: they are the people LPSS scores or ranks, and it keeps 1M-employee runs feasible.
- Rows exist for each month a person was in post at the level (including a month they left in).
- Surveys are held in the second month of each quarter, strategic-impact ratings in the third;
  both carry the quarter's first day. 1:1 feedback and surveys invite the filled direct-report
  seats. The board sits outside HRIS, so the CEO's strategic-impact rating is a self-assessment
  (keeping the CEO's scorecard complete) and the CEO gets no leadership review.
- CRM revenue: leaders in revenue-generating departments; the target grows 6% a year with a
  seasonal shape, revenue follows p_t, so team growth vs last year moves with performance.
- Leadership reviews follow a poor month (p_t below a cut, roughly the intervention band): the
  scorecard alert is taken to fire on the 1st of the next month; 70% of reviews are held within
  48 hours, 20% late (3-20 days), 10% never.
"""

from __future__ import annotations

import numpy as np

from lpss_pipeline.contract.hris import REVIEW_OUTCOMES

from .params import PARAMS, SimParams
from .records import EventLog
from .timeline import Stream, rng
from .workforce import Month, Workforce

SEASONALITY = np.array([0.85, 0.9, 1.05, 0.95, 1.0, 1.1, 0.9, 0.85, 1.0, 1.05, 1.1, 1.25])
OUTCOME_PROBS = (0.35, 0.3, 0.15, 0.05, 0.15)  # in REVIEW_OUTCOMES order


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _rating(gen, mean, size, sd, step=0.5):
    return np.clip(np.round((mean + gen.normal(0, sd, size)) / step) * step, 1.0, 5.0)


def monthly_metrics(wf: Workforce, m: Month, log: EventLog, p: SimParams = PARAMS) -> None:
    P, window = wf.people, wf.window
    gen = rng(wf.seed, Stream.METRICS, m.t)
    leaders, bench = m.persons[m.leaders], m.persons[m.bench]
    scored = np.concatenate([leaders, bench])
    goal = p.goal_mean + p.goal_slope * P["perf"][scored] + gen.normal(0, p.goal_noise_sd, len(scored))
    log.add("goal_attainment", person=scored, month=m.day, pct=np.round(np.clip(goal, 0, 200), 1))

    perf, team = P["perf"][leaders], m.team[m.leaders]
    requested = team + gen.poisson(0.3, len(leaders))
    completed = gen.binomial(requested, _sigmoid(p.feedback_logit_mean + p.feedback_logit_slope * perf))
    has = requested > 0
    log.add(
        "one_on_one_feedback",
        person=leaders[has],
        month=m.day,
        requested=requested[has],
        completed=completed[has],
    )

    in_quarter = (window.start_month + m.t) % 3  # 0, 1, 2: month within its quarter
    if in_quarter == 1:
        responses = gen.binomial(team, p.response_rate)
        sat = p.survey_mean + p.survey_slope * perf + gen.normal(0, p.survey_noise_sd, len(leaders))
        ok = responses > 0
        log.add(
            "engagement_surveys",
            person=leaders[ok],
            quarter=window.quarter_start(m.t),
            known=m.day,
            satisfaction=np.round(np.clip(sat[ok], 1, 5), 2),
            responses=responses[ok],
            invited=team[ok],
        )
    if in_quarter == 2:
        manager = m.manager[m.leaders]
        mean, n = p.impact_mean + p.impact_slope * perf, len(leaders)
        log.add(
            "strategic_impact_ratings",
            person=leaders,
            quarter=window.quarter_start(m.t),
            known=m.day,
            execution=_rating(gen, mean, n, p.impact_noise_sd),
            innovation=_rating(gen, mean - 0.1, n, p.impact_noise_sd),
            influence=_rating(gen, mean, n, p.impact_noise_sd),
            rater=np.where(manager >= 0, manager, leaders),
        )  # the CEO rates themself
    _revenue(wf, m, leaders, log, p)
    _leadership_reviews(wf, m, log, p)


def _revenue(wf: Workforce, m: Month, leaders: np.ndarray, log: EventLog, p: SimParams) -> None:
    org, P = wf.org, wf.people
    seats = P["slot"][leaders]
    owners = org.units.revenue[org.unit[seats]]
    who, seats = leaders[owners], seats[owners]
    gen = rng(wf.seed, Stream.REVENUE, m.t)
    target = (
        org.revenue_scale[seats]
        * (1 + p.revenue_growth) ** (m.t / 12.0)
        * SEASONALITY[wf.window.calendar_month(m.t) - 1]
    )
    luck = gen.normal(0, p.revenue_noise_sd, len(who))
    revenue = target * 0.97 * np.exp(p.revenue_perf_slope * P["perf"][who] + luck)
    revenue = np.round(revenue, 2)
    log.add(
        "team_revenue",
        person=who,
        slot=seats,
        month=m.day,
        revenue=revenue,
        target=np.round(target, -2),
        pipeline=np.round(revenue * gen.uniform(2.0, 4.0, len(who)), 2),
        deals=gen.poisson(revenue / p.deal_size),
    )


def _leadership_reviews(wf: Workforce, m: Month, log: EventLog, p: SimParams) -> None:
    P = wf.people
    gen = rng(wf.seed, Stream.LEADERSHIP_REVIEWS, m.t)
    leaders = m.persons[m.leaders]
    poor = (P["perf"][leaders] < p.poor_month_perf) & (m.manager[m.leaders] >= 0)
    who = leaders[poor]
    u = gen.random(len(who))
    delay = np.where(u < p.review_on_time, gen.integers(0, 3, len(who)), gen.integers(3, 21, len(who)))
    held = u < p.review_on_time + p.review_late
    outcome = gen.choice(len(REVIEW_OUTCOMES), size=len(who), p=OUTCOME_PROBS)
    who, delay, outcome = who[held], delay[held], outcome[held]
    first = wf.counters["review"]
    wf.counters["review"] += len(who)
    log.add(
        "leadership_reviews",
        review=first + np.arange(len(who)),
        person=who,
        day=m.next_day + delay,
        outcome=outcome,
    )
