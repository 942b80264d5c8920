"""The organisation as a static tree of seats ("slots"), built bottom-up, and its departments.

Decisions:
- ``employees`` is the number of seats. Seats never change; people move through them (see
  workforce.py), so active headcount at as_of is ``employees`` minus the few seats open then.
  Tier sizes are solved so the seat count equals ``employees`` (a few fewer when the span
  arithmetic cannot hit it exactly).
- Tier 0 are individual contributors (about 6/7 of seats), grouped under first-line managers
  with spans drawn in 4-10 (mean 7); managers are grouped again with spans 4-10 around 4.5 for
  tiers 2-3 (so a 300-seat org still has two directors) and 5.5 above. Tier k is level k up to
  3; every tier above is level 4 (VPs). A single CEO (level 4) sits on top, over at most
  ``max_ceo_span`` seats; only the CEO's span may fall outside 4-10, in tiny orgs.
- A few first-line seats (``solo_lead_share``, at least two) are leads with no reports ("Lead
  <specialist>", level 1, never critical): organisations have leaders without a team, and their
  scorecards have no team input. They are the last seats of tier 1.
- Seats are numbered top-down, tier by tier (CEO = 0), so each tier is a contiguous range and a
  top-down pass over the tree is one vector operation per tier.
- Units: the CEO's seat forms the Executive Office; each seat under the CEO heads a division;
  each seat under a division head heads a department (parent = its division). A seat belongs to
  the unit of its nearest such head. ~40% of departments are revenue-generating; a division is
  when most of its departments are.
- Regions belong to teams: each manager seat draws its department's home region (60%) or any
  region, and ICs share their manager's, so departments span regions and regions span
  departments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .params import PARAMS, SimParams
from .timeline import Stream, rng
from .vocabulary import (
    CEO_TITLE,
    DIVISION_NAMES,
    EXECUTIVE_OFFICE,
    LEAD_TITLE,
    LEVEL_TITLES,
    REGIONS,
    REVENUE_FUNCTIONS,
    SUPPORT_FUNCTIONS,
)


@dataclass(frozen=True)
class Units:
    """Departments: index 0 is the Executive Office, then divisions, then departments."""

    name: tuple[str, ...]
    parent: np.ndarray  # int32 unit index, -1 at the top
    head_slot: np.ndarray  # int32 seat heading the unit
    division: np.ndarray  # int32 division unit of each unit (itself for divisions, -1 for the office)
    revenue: np.ndarray  # bool
    label: tuple[str, ...]  # what job titles say ("Sales", "Commercial")
    ic_title: tuple[str, ...]  # individual contributors' job title


@dataclass(frozen=True)
class Org:
    parent: np.ndarray  # int32 seat -> parent seat, -1 for the CEO
    tier: np.ndarray  # int8, 0 = individual contributors
    level: np.ndarray  # int8 leadership level 0-4
    tier_ranges: tuple[tuple[int, int], ...]  # seat range of each tier, CEO tier last
    unit: np.ndarray  # int32 unit of each seat
    region: np.ndarray  # int8 code into REGIONS
    critical: np.ndarray  # bool
    title: np.ndarray  # int32 code into titles
    titles: tuple[str, ...]
    position: np.ndarray  # int32 position number (1-based) of leader seats, 0 for ICs
    lead: np.ndarray  # bool: a level-1 seat without reports
    revenue_scale: np.ndarray  # float64 monthly revenue target of a leader seat's team
    units: Units

    @property
    def size(self) -> int:
        return len(self.parent)

    @property
    def top_tier(self) -> int:
        return len(self.tier_ranges) - 1

    def tier_slice(self, tier: int) -> slice:
        lo, hi = self.tier_ranges[tier]
        return slice(lo, hi)

    @property
    def division(self) -> np.ndarray:
        """Division unit of each seat (-1 for the CEO)."""
        return self.units.division[self.unit]


def _group_count(count: int, target: float, p: SimParams) -> int:
    lo, hi = math.ceil(count / p.span_hi), max(count // p.span_lo, 1)
    return int(min(max(round(count / target), lo), hi))


def tier_counts(ics: int, p: SimParams = PARAMS) -> list[int]:
    """Seats per tier below the CEO, bottom-up, for ``ics`` individual contributors."""
    counts = [ics]
    # stop once the top tier fits under the CEO, or when it is too small to form a valid span
    while not ((len(counts) > 3 and counts[-1] <= p.max_ceo_span) or counts[-1] < p.span_lo):
        tier = len(counts)
        target = p.ic_span_target if tier == 1 else p.manager_span_target if tier <= 3 else p.vp_span_target
        counts.append(_group_count(counts[-1], target, p) + (_solo_leads(counts[-1], p) if tier == 1 else 0))
    return counts


def _solo_leads(ics: int, p: SimParams) -> int:
    """Lead seats without reports among the first-line seats over ``ics`` individual contributors."""
    return max(2, round(ics / p.ic_span_target * p.solo_lead_share))


def solve_ics(seats: int, p: SimParams = PARAMS) -> int:
    """Largest IC count whose tree (tiers + CEO) fits in ``seats``; the total grows with it."""
    lo, hi = 1, max(seats - 1, 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sum(tier_counts(mid, p)) + 1 <= seats:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _spans(count: int, groups: int, p: SimParams, gen: np.random.Generator) -> np.ndarray:
    """Split ``count`` seats into ``groups`` spans within [span_lo, span_hi] at random."""
    base = min(p.span_lo, count // groups)
    cap = p.span_hi - base
    surplus = count - base * groups
    tokens = gen.permutation(groups * cap)[:surplus] // cap
    return base + np.bincount(tokens, minlength=groups)


def build_org(seats: int, seed: int, p: SimParams = PARAMS) -> Org:
    """The static tree of ``seats`` seats for ``seed``; independent of the simulated months."""
    if seats < 8:
        raise ValueError("an organisation needs at least 8 employees")
    gen = rng(seed, Stream.ORG)
    counts = [*tier_counts(solve_ics(seats, p), p), 1]  # the CEO tier last
    top = len(counts) - 1
    starts = {tier: int(sum(counts[tier + 1 :])) for tier in range(top + 1)}  # numbered top-down
    n = sum(counts)
    parent = np.full(n, -1, dtype=np.int32)
    tier_of = np.zeros(n, dtype=np.int8)
    solo = _solo_leads(counts[0], p) if top > 1 else 0
    for tier in range(top):
        if tier + 1 == top:
            spans = np.array([counts[tier]])
        elif tier == 0:  # the solo leads, last in tier 1, get no seats
            spans = np.concatenate([_spans(counts[0], counts[1] - solo, p, gen), np.zeros(solo, np.int64)])
        else:
            spans = _spans(counts[tier], counts[tier + 1], p, gen)
        group = np.repeat(np.arange(len(spans)), spans)
        s = starts[tier]
        parent[s : s + counts[tier]] = starts[tier + 1] + group
        tier_of[s : s + counts[tier]] = tier
    tier_of[0] = top
    level = np.minimum(tier_of, 4).astype(np.int8)
    level[0] = 4
    ranges = tuple((starts[t], starts[t] + counts[t]) for t in range(top + 1))
    units, unit = _units(parent, tier_of, ranges, top, gen, p)
    region = _regions(parent, tier_of, unit, ranges, top, gen, p)
    lead = np.zeros(n, dtype=bool)
    if solo:
        lead[ranges[1][1] - solo : ranges[1][1]] = True
    titles, title = _titles(units, unit, level, lead)
    critical = (gen.random(n) < np.asarray(p.critical_share)[level]) & ~lead
    critical[0] = True
    position = np.where(level >= 1, np.cumsum(level >= 1), 0).astype(np.int32)
    revenue_scale = 60_000.0 * (1.0 + level) ** 1.8 * np.exp(gen.normal(0, 0.3, n))
    return Org(
        parent=parent,
        tier=tier_of,
        level=level,
        tier_ranges=ranges,
        unit=unit,
        region=region,
        critical=critical,
        title=title,
        titles=titles,
        position=position,
        lead=lead,
        revenue_scale=revenue_scale,
        units=units,
    )


def _units(parent, tier_of, ranges, top, gen, p) -> tuple[Units, np.ndarray]:
    n = len(parent)
    div_lo, div_hi = ranges[top - 1]
    n_div = div_hi - div_lo
    has_departments = top - 2 >= 1  # department heads must be managers, not single ICs
    dep_lo, dep_hi = ranges[top - 2] if has_departments else (0, 0)
    n_dep = dep_hi - dep_lo
    unit = np.zeros(n, dtype=np.int32)
    unit[div_lo:div_hi] = 1 + np.arange(n_div)
    unit[dep_lo:dep_hi] = 1 + n_div + np.arange(n_dep)
    for tier in range(top - (3 if has_departments else 2), -1, -1):  # everyone else inherits
        lo, hi = ranges[tier]
        unit[lo:hi] = unit[parent[lo:hi]]
    dep_division = unit[parent[dep_lo:dep_hi]]
    revenue = gen.random(n_dep) < p.revenue_share
    if n_dep >= 2:
        revenue[0] = revenue[0] or not revenue.any()
        revenue[-1] = revenue[-1] and not revenue.all()
    div_revenue = np.bincount(dep_division - 1, weights=revenue, minlength=n_div) > (
        np.bincount(dep_division - 1, minlength=n_div) / 2
    )
    functions = [None] * n_dep
    for flag, pool in ((True, REVENUE_FUNCTIONS), (False, SUPPORT_FUNCTIONS)):
        members = np.flatnonzero(revenue == flag)
        picks = gen.permutation(len(pool))
        for k, i in enumerate(members):  # one loop over departments (tens), not people
            functions[i] = pool[picks[k % len(pool)]]
    div_names = [
        DIVISION_NAMES[k % len(DIVISION_NAMES)]
        + ("" if k < len(DIVISION_NAMES) else f" {k // len(DIVISION_NAMES) + 1}")
        for k in gen.permutation(max(n_div, 1))[:n_div]
    ]
    dep_names = _unique([f[0] for f in functions])
    names = (EXECUTIVE_OFFICE, *(f"{d} Division" for d in div_names), *dep_names)
    unit_parent = np.concatenate([[-1], np.zeros(n_div, np.int32), dep_division]).astype(np.int32)
    division = np.concatenate([[-1], 1 + np.arange(n_div), dep_division]).astype(np.int32)
    head = np.concatenate([[0], np.arange(div_lo, div_hi), np.arange(dep_lo, dep_hi)]).astype(np.int32)
    flags = np.concatenate([[False], div_revenue, revenue]).astype(bool)
    units = Units(
        name=names,
        parent=unit_parent,
        head_slot=head,
        division=division,
        revenue=flags,
        label=("Executive", *div_names, *[f[0] for f in functions]),
        ic_title=("Executive Assistant", *(f"{d} Specialist" for d in div_names), *[f[1] for f in functions]),
    )
    return units, unit


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return out


def _regions(parent, tier_of, unit, ranges, top, gen, p) -> np.ndarray:
    n_units = int(unit.max()) + 1
    home = gen.integers(0, len(REGIONS), n_units)
    own = np.where(
        gen.random(len(parent)) < p.dominant_region_share,
        home[unit],
        gen.integers(0, len(REGIONS), len(parent)),
    ).astype(np.int8)
    lo, hi = ranges[0]
    own[lo:hi] = own[parent[lo:hi]]  # ICs work where their manager's team is
    return own


def _titles(
    units: Units, unit: np.ndarray, level: np.ndarray, lead: np.ndarray
) -> tuple[tuple[str, ...], np.ndarray]:
    """Codes into the titles: five levels per unit, then each unit's lead title, the CEO's last."""
    n_units = len(units.label)
    titles = [
        LEVEL_TITLES[lv].format(f=units.label[u], ic=units.ic_title[u])
        for u in range(n_units)
        for lv in range(5)
    ]
    titles += [LEAD_TITLE.format(ic=units.ic_title[u]) for u in range(n_units)]
    code = np.where(lead, 5 * n_units + unit, unit * 5 + level).astype(np.int32)
    titles.append(CEO_TITLE)
    code[0] = len(titles) - 1
    return tuple(titles), code
