"""Successor slates of critical positions, as the talent team holds them on an export day.

Decisions:
- Candidates for a critical seat are the people in its direct-report seats ("the level below";
  for first-line manager seats, their individual contributors), ranked by readiness plus a
  talent-pool bonus and the talent team's noise. Each slate takes the top 0-4 (10% of positions
  have no slate at all).
- Readiness bands are cut by the same score across all nominations: the top 30% ``ready_now``,
  the next 40% ``ready_1_2_years``, the rest ``ready_3_plus_years`` — so all three bands occur
  and many positions have no ready-now successor (the coverage gaps SPEC section 4 measures).
- Rank 1, when not 3+ years away, is the emergency successor 70% of the time.
- Nominated by the position's effective manager (the CEO for the CEO's own seat), on the most
  recent talent review (the 15th of March or September) or when the candidate reached their
  level, whichever is later.
- Drawn from a stream keyed by the export month, so a batch is reproducible; slates are a
  snapshot and may be reshuffled from one month's batch to the next.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from lpss_pipeline.contract.hris import READINESS_BANDS

from .asof import AsOf
from .columns import coded, dates, table
from .params import PARAMS, SimParams
from .snapshots import position_ids
from .timeline import Stream, first_days, month_number, rng


def last_review_day(v: AsOf, p: SimParams) -> int:
    month = month_number(v.as_of)
    back = min((month % 12 + 1 - m) % 12 for m in p.review_months)
    return int(min(first_days([month - back])[0] + 14, v.day))


def succession_nominations(v: AsOf, p: SimParams = PARAMS) -> pa.Table:
    v.require_current()
    org, P = v.sim.org, v.sim.people
    gen = rng(v.sim.seed, Stream.SUCCESSION, month_number(v.as_of))
    seats = np.arange(1, org.size)
    seats = seats[org.critical[org.parent[seats]] & (v.holder[seats] >= 0)]
    position, candidate = org.parent[seats], v.holder[seats]
    score = P["readiness"][candidate] + 0.8 * P["pool"][candidate] + gen.normal(0, 0.4, len(candidate))
    size = gen.choice(len(p.slate_size_probs), size=org.size, p=p.slate_size_probs)
    order = np.lexsort((-score, position))
    sorted_pos = position[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_pos, sorted_pos, side="left")
    keep = rank < size[sorted_pos]
    chosen, rank = order[keep], rank[keep] + 1
    position, candidate, score = position[chosen], candidate[chosen], score[chosen]
    band = np.full(len(score), 2)
    if len(score):
        band[score >= np.quantile(score, 1 - p.ready_now_share - p.ready_1_2_share)] = 1
        band[score >= np.quantile(score, 1 - p.ready_now_share)] = 0
    emergency = (rank == 1) & (band < 2) & (gen.random(len(score)) < p.emergency_prob)
    by = v.seat_manager[position]
    by = np.where(by >= 0, by, v.ceo)
    on = np.maximum(last_review_day(v, p), P["level_start"][candidate])
    return table(
        position_id=position_ids(org.position[position]),
        candidate_employee_id=v.ids.take(candidate),
        readiness=coded(band, READINESS_BANDS),
        is_emergency_successor=pa.array(emergency),
        rank=pa.array(rank.astype(np.int64)),
        nominated_by=coded(by, v.ids),
        nominated_on=dates(on),
    )
