"""People moving through the seats month by month: vacancy chains, hires, exits, talent reviews.

Decisions:
- Each month, in order: vacancies are filled on the 1st (promotions are effective that day),
  performance moves, talent reviews run (March and September), the month's metrics are drawn
  (other modules), then people leave on a day within the month. A seat vacated in month t is
  filled from month t+1, so leaving and replacement never share a day.
- Vacancies are filled top-down: a leader seat takes someone from the tier below, chosen by a
  Gumbel top-k over ``beta * latent readiness`` plus bonuses for the talent pool and a "ready"
  call at the last review (so talent reviews matter, as the readiness model assumes), preferring
  candidates from the seat's own division. The promoted person's seat opens and is filled the
  same way, down to individual-contributor seats, which new hires fill. Leader seats stay open
  another month with probability 1 - fill_prob, so a few are vacant at any as_of. Leadership is
  filled only from inside; external hires join as individual contributors.
- The CEO never leaves within the window, so the organisation always has exactly one top.
- Latent truth per person: ability a ~ N(0, 0.8); monthly performance p_t = a + e_t with AR(1)
  noise e_t (phi 0.8); readiness = a + 0.5 * development engagement + growth * years in level
  (capped), so it rises with time in level and drops back when someone is promoted.
- Exit hazard is higher for low performers: base * exp(-0.6 * p_t).
- Talent pool (bench): at each review the top 12% of ICs and 30% of levels 1-3 by noisy
  readiness; pool members get a readiness assessment for level + 1, 40% of them called ready.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .org import Org
from .params import PARAMS, SimParams
from .records import F4, I1, I2, I4, B, EventLog, Store
from .timeline import NO_DAY, Stream, Window, rng
from .vocabulary import FIRST_NAMES, LAST_NAMES

DAYS_PER_YEAR = 365.25


def person_fields(n_competencies: int) -> dict:
    return {
        "first": I2,
        "last": I2,
        "ability": F4,
        "growth": F4,
        "dev": F4,
        "strength": (F4, n_competencies),
        "hire_day": I4,
        "term_day": I4,
        "slot": I4,
        "tier": I1,
        "level": I1,
        "level_start": I4,
        "noise": F4,
        "perf": F4,
        "readiness": F4,
        "pool": B,
        "ready": B,
        "manager": I4,
        "mentored_until": I4,
    }


@dataclass(frozen=True)
class Month:
    """Who is in post in month t (after the 1st's moves) and the facts every metric needs."""

    t: int
    day: int  # first day of the month
    length: int  # days in the month
    next_day: int  # first day of the following month
    persons: np.ndarray  # in seat order
    manager: np.ndarray  # effective manager of each person (-1 for the CEO)
    team: np.ndarray  # filled direct-report seats of each person's seat
    leaders: np.ndarray  # positions into ``persons`` with level >= 1
    bench: np.ndarray  # positions into ``persons``: level 0 talent-pool members


def match_vacancies(
    vac_div: np.ndarray, cand_div: np.ndarray, score: np.ndarray, per_vacancy: int
) -> np.ndarray:
    """Candidate index for each vacancy (-1 when none is left): best in the same division first."""
    n_vac, n_cand = len(vac_div), len(score)
    picks = np.full(n_vac, -1, dtype=np.int64)
    if not n_vac or not n_cand:
        return picks
    keep = np.arange(n_cand)
    limit = per_vacancy * n_vac + 200
    if n_cand > limit:  # only the best few per vacancy can win; sorting them all is wasted work
        keep = np.sort(np.argpartition(-score, limit - 1)[:limit])
    s, d = score[keep], cand_div[keep]
    order = np.lexsort((-s, d))
    sorted_div = d[order]
    v_order = np.argsort(vac_div, kind="stable")
    vd = vac_div[v_order]
    rank = np.arange(n_vac) - np.searchsorted(vd, vd, side="left")
    lo = np.searchsorted(sorted_div, vd, side="left")
    hi = np.searchsorted(sorted_div, vd, side="right")
    inside = rank < hi - lo
    chosen = np.full(n_vac, -1, dtype=np.int64)
    chosen[inside] = order[lo[inside] + rank[inside]]
    used = np.zeros(len(keep), dtype=bool)
    used[chosen[inside]] = True
    rest = np.flatnonzero(~used)
    rest = rest[np.argsort(-s[rest], kind="stable")]
    outside = np.flatnonzero(~inside)[: len(rest)]
    chosen[outside] = rest[: len(outside)]
    picks[v_order] = np.where(chosen >= 0, keep[np.maximum(chosen, 0)], -1)
    return picks


class Workforce:
    def __init__(self, org: Org, window: Window, seed: int, n_competencies: int, p: SimParams = PARAMS):
        self.org, self.window, self.seed, self.p = org, window, seed, p
        self.people = Store(person_fields(n_competencies), capacity=int(org.size * 1.6) + 64)
        self.holder = np.full(org.size, -1, dtype=np.int32)
        self.slot_division = org.division
        self.counters = {"review": 0, "milestone": 0, "assignment": 0, "session": 0}  # id sequences
        self._initial_staff()

    # --- people ---------------------------------------------------------------------------
    def _new_people(self, gen, n, *, hire_day, slot, tier, level, level_start) -> np.ndarray:
        p, width = self.p, self.people["strength"].shape[1]
        return self.people.append(
            first=gen.integers(0, len(FIRST_NAMES), n),
            last=gen.integers(0, len(LAST_NAMES), n),
            ability=gen.normal(0, p.ability_sd, n),
            growth=np.clip(gen.normal(p.growth_mean, p.growth_sd, n), 0.02, None),
            dev=gen.standard_normal(n),
            strength=gen.normal(0, p.strength_sd, (n, width)),
            hire_day=hire_day,
            term_day=NO_DAY,
            slot=slot,
            tier=tier,
            level=level,
            level_start=level_start,
            noise=gen.normal(0, p.noise_sd, n),
            perf=0,
            readiness=0,
            pool=False,
            ready=False,
            manager=-1,
            mentored_until=-1,
        )

    def _initial_staff(self) -> None:
        """Every seat filled when the window opens; tenure and time in level before it."""
        org, gen = self.org, rng(self.seed, Stream.INIT)
        n, day0 = org.size, self.window.start(0)
        tenure = 0.3 + 1.5 * org.level + gen.exponential(3.0, n)
        in_level = np.where(org.level == 0, tenure, gen.uniform(0.05, 1.0, n) * np.minimum(tenure, 5.0))
        hire = (day0 - np.round(tenure * DAYS_PER_YEAR)).astype(np.int32)
        start = (day0 - np.round(in_level * DAYS_PER_YEAR)).astype(np.int32)
        idx = self._new_people(
            gen,
            n,
            hire_day=hire,
            slot=np.arange(n),
            tier=org.tier,
            level=org.level,
            level_start=np.maximum(start, hire),
        )
        self.holder[:] = idx
        self._update_readiness(day0)
        self._choose_pool(gen, idx)

    def _update_readiness(self, day: int) -> None:
        """Readiness of everyone on ``day`` (whole columns: cheaper than gathering who is in post)."""
        P, p = self.people, self.p
        years = np.clip((day - P["level_start"]) * np.float32(1 / DAYS_PER_YEAR), 0.0, p.readiness_years_cap)
        readiness = P["readiness"]
        np.multiply(P["growth"], years, out=readiness)
        readiness += P["ability"]
        readiness += np.float32(p.readiness_dev_weight) * P["dev"]

    def _choose_pool(self, gen, persons: np.ndarray) -> np.ndarray:
        """Mark the top share per level (0-3) by noisy readiness as the talent pool; return them."""
        P, p = self.people, self.p
        level = P["level"][persons]
        noisy = P["readiness"][persons] + gen.normal(0, p.review_noise_sd, len(persons))
        pool = np.zeros(len(persons), dtype=bool)
        for lv, share in enumerate(p.pool_share):
            m = level == lv
            if m.any():
                pool[m] = noisy[m] >= np.quantile(noisy[m], 1.0 - share)
        P["pool"][persons[level <= 3]] = False
        P["pool"][persons] = pool
        return persons[pool]

    # --- the month ------------------------------------------------------------------------
    def fill(self, t: int, log: EventLog) -> None:
        """Fill open seats top-down on the 1st; IC seats by new hires during the month."""
        org, p, P, day = self.org, self.p, self.people, self.window.start(t)
        gen = rng(self.seed, Stream.FILL, t)
        for tier in range(org.top_tier, 0, -1):
            sl = org.tier_slice(tier)
            vac = np.flatnonzero(self.holder[sl] < 0) + sl.start
            if not len(vac):
                continue
            vac = vac[gen.random(len(vac)) < (1.0 if tier == org.top_tier else p.fill_prob_leader)]
            cands = self.holder[org.tier_slice(tier - 1)]
            cands = cands[cands >= 0]
            seasoned = (day - P["level_start"][cands]) >= p.min_months_in_level * 30.4
            if seasoned.sum() >= len(vac):
                cands = cands[seasoned]
            score = (
                p.promotion_beta * P["readiness"][cands]
                + p.promotion_pool_bonus * P["pool"][cands]
                + p.promotion_ready_bonus * P["ready"][cands]
                + gen.gumbel(size=len(cands))
            )
            picks = match_vacancies(
                self.slot_division[vac], self.slot_division[P["slot"][cands]], score, p.preselect_factor
            )
            vac, chosen = vac[picks >= 0], cands[picks[picks >= 0]]
            self.holder[P["slot"][chosen]] = -1
            self.holder[vac] = chosen
            from_level, to_level = P["level"][chosen].copy(), org.level[vac]
            P["slot"][chosen], P["tier"][chosen], P["level"][chosen] = vac, tier, to_level
            up = to_level > from_level
            P["level_start"][chosen[up]] = day
            P["pool"][chosen[up]] = False
            P["ready"][chosen[up]] = False
            log.add(
                "promotions",
                person=chosen[up],
                day=day,
                from_level=from_level[up],
                to_level=to_level[up],
                slot=vac[up],
            )
        sl = org.tier_slice(0)
        vac = np.flatnonzero(self.holder[sl] < 0) + sl.start
        vac = vac[gen.random(len(vac)) < p.fill_prob_ic]
        hires = rng(self.seed, Stream.HIRE, t)
        hire_day = day + hires.integers(0, min(28, self.window.length(t)), len(vac))
        self.holder[vac] = self._new_people(
            hires, len(vac), hire_day=hire_day, slot=vac, tier=0, level=0, level_start=hire_day
        )

    def evolve(self, t: int) -> None:
        """One AR(1) step of performance noise, and readiness on the 1st.

        Whole columns are updated (people who left included, harmlessly): contiguous float32 work
        is far cheaper than gathering and scattering the ~70% of rows that are in post."""
        P, p = self.people, self.p
        z = rng(self.seed, Stream.PERFORMANCE, t).standard_normal(len(P), dtype=np.float32)
        noise = P["noise"]
        noise *= np.float32(p.phi)
        noise += np.float32(np.sqrt(1 - p.phi**2) * p.noise_sd) * z
        np.add(P["ability"], noise, out=P["perf"])
        self._update_readiness(self.window.start(t))

    def month(self, t: int) -> Month:
        org, P = self.org, self.people
        manager_of_seat = np.full(org.size, -1, dtype=np.int32)
        for tier in range(org.top_tier - 1, -1, -1):  # top-down: skip-level when a seat is open
            sl = org.tier_slice(tier)
            boss = self.holder[org.parent[sl]]
            manager_of_seat[sl] = np.where(boss >= 0, boss, manager_of_seat[org.parent[sl]])
        filled = self.holder >= 0
        filled[0] = False
        team_of_seat = np.bincount(org.parent[filled], minlength=org.size)
        persons = self.holder[self.holder >= 0]
        seats = P["slot"][persons]
        manager = manager_of_seat[seats]
        P["manager"][persons] = manager
        level = P["level"][persons]
        return Month(
            t=t,
            day=self.window.start(t),
            length=self.window.length(t),
            next_day=self.window.start(t + 1),
            persons=persons,
            manager=manager,
            team=team_of_seat[seats],
            leaders=np.flatnonzero(level >= 1),
            bench=np.flatnonzero((level == 0) & P["pool"][persons]),
        )

    def talent_review(self, m: Month, log: EventLog) -> None:
        """Semi-annual: re-pick the pool, and call pool members ready or not for level + 1."""
        if self.window.calendar_month(m.t) not in self.p.review_months:
            return
        P, p, gen = self.people, self.p, rng(self.seed, Stream.REVIEW, m.t)
        persons = m.persons[(P["level"][m.persons] <= 3) & (P["hire_day"][m.persons] < m.day)]
        pool = self._choose_pool(gen, persons)
        level = P["level"][pool]
        noisy = P["readiness"][pool] + gen.normal(0, p.review_noise_sd, len(pool))
        ready = np.zeros(len(pool), dtype=bool)
        for lv in range(4):
            sel = level == lv
            if sel.any():
                ready[sel] = noisy[sel] >= np.quantile(noisy[sel], 1.0 - p.ready_share)
        P["ready"][persons] = False
        P["ready"][pool] = ready
        log.add(
            "readiness_assessments",
            person=pool,
            day=m.day + gen.integers(4, 25, len(pool)),
            target=level + 1,
            ready=ready,
            assessor=P["manager"][pool],
        )

    def depart(self, m: Month) -> np.ndarray:
        """People leaving during the month (never the CEO, never someone hired this month)."""
        P, p = self.people, self.p
        gen = rng(self.seed, Stream.EXIT, m.t)
        level, perf = P["level"][m.persons], P["perf"][m.persons]
        hazard = np.where(level >= 1, p.exit_rate_leader, p.exit_rate_ic) * np.exp(-p.exit_perf_slope * perf)
        may_leave = (P["hire_day"][m.persons] < m.day) & (P["slot"][m.persons] != 0)  # not new, not the CEO
        leave = (gen.random(len(m.persons)) < hazard) & may_leave
        leavers = m.persons[leave]
        P["term_day"][leavers] = m.day + gen.integers(0, m.length, len(leavers))
        self.holder[P["slot"][leavers]] = -1
        return leavers

    def record_truth(self, m: Month, log: EventLog) -> None:
        P = self.people
        persons = m.persons[P["level"][m.persons] <= 3]
        log.add(
            "truth",
            person=persons,
            month=m.day,
            level=P["level"][persons],
            performance=P["perf"][persons],
            readiness=P["readiness"][persons],
        )
