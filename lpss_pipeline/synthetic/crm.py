"""The CRM export: monthly team revenue keyed by the owner's e-mail, as a CRM really types it.

Decisions:
- Most owners appear exactly as in HRIS; about 8% in upper case, 6% capitalised and 6% with
  stray spaces, so downstream matching must trim and ignore case (SPEC section 2).
- Rows no employee matches, the data-quality finding the pipeline must surface (~1-2% of rows):
  shared team mailboxes (``sales.desk1@example.com``, one per 100 revenue seats) with their
  own revenue, and 0.5% of the revenue accounts (seats) hold their owner's address with a
  misspelt domain (``@exmaple.com``). Exact counts, not chance, so the share holds at any size;
  a smaller organisation's single mailbox reports only every few months.
- Spelling is a property of the owner (hashed from seed and person) and the typo one of the
  account, so each is spelt the same way every month and (owner_email, month) stays unique.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .asof import AsOf
from .columns import dates, table
from .identity import EMAIL_DOMAIN, mix64
from .timeline import Stream, rng

TYPO_DOMAIN = "@exmaple.com"
# cumulative percent thresholds of the spelling variants, in order: upper, capitalised, padded
VARIANT_CUTS = (8.0, 14.0, 20.0)
SEATS_PER_MAILBOX = 100
TYPO_ACCOUNT_SHARE = 0.005


def owner_emails(v: AsOf) -> pa.Array:
    """Each person's e-mail as the CRM spells it."""
    emails = v.emails
    u = (mix64(np.arange(len(emails), dtype=np.uint64), v.sim.seed + 7919) % np.uint64(10_000)) / 100.0
    variant = np.searchsorted(np.array(VARIANT_CUTS), u, side="right")  # 3 = as in HRIS
    choices = [
        pc.utf8_upper(emails),
        pc.utf8_capitalize(emails),
        pc.binary_join_element_wise(pa.scalar("  "), emails, pa.scalar(" "), ""),
        emails,
    ]
    return pc.choose(pa.array(variant.astype(np.int8)), *choices)


def revenue_seats(v: AsOf) -> np.ndarray:
    org = v.sim.org
    return np.flatnonzero(org.units.revenue[org.unit] & (org.level >= 1))


def typo_accounts(v: AsOf) -> np.ndarray:
    """Seats whose CRM account misspells the owner's domain: a fixed share, chosen by hash."""
    seats = revenue_seats(v)
    order = np.argsort(mix64(seats.astype(np.uint64), v.sim.seed + 104_729), kind="stable")
    typo = np.zeros(v.sim.org.size, dtype=bool)
    typo[seats[order[: round(TYPO_ACCOUNT_SHARE * len(seats))]]] = True
    return typo


def shared_mailboxes(v: AsOf) -> dict[str, np.ndarray]:
    """Revenue rows of team mailboxes, month by month (each month from its own stream)."""
    window = v.sim.window
    seats = len(revenue_seats(v))
    n = max(1, round(seats / SEATS_PER_MAILBOX))
    # Below SEATS_PER_MAILBOX seats the one mailbox reports only every few months, so unmatched rows
    # stay near 1% in a small organisation too (an always-reporting mailbox would be ~10% of 10 owners).
    every = max(1, math.ceil(SEATS_PER_MAILBOX / max(seats, 1)))
    names = ("box", "month", "revenue", "target", "pipeline", "deals")
    parts: dict[str, list[np.ndarray]] = {k: [] for k in names}
    for t in range(window.months):  # the window always starts on or before as_of
        if window.start(t) > v.day:
            break
        if t % every:
            continue
        gen = rng(v.sim.seed, Stream.CRM_EXPORT, t)
        target = np.round(150_000.0 * gen.lognormal(0, 0.3, n), -2)
        revenue = np.round(target * gen.uniform(0.7, 1.2, n), 2)
        month = (
            np.arange(n),
            np.full(n, window.start(t)),
            revenue,
            target,
            np.round(revenue * gen.uniform(2.0, 4.0, n), 2),
            gen.poisson(revenue / 25_000.0),
        )
        for key, values in zip(names, month, strict=True):
            parts[key].append(values)
    return {k: np.concatenate(v) for k, v in parts.items()}


def team_revenue(v: AsOf) -> pa.Table:
    f = v.sim.log.frame("team_revenue")
    keep = (f["month"] <= v.day) & v.seen(f["person"])
    f = {k: x[keep] for k, x in f.items()}
    box = shared_mailboxes(v)
    mailbox = pc.binary_join_element_wise(
        "sales.desk", pc.cast(pa.array(box["box"] + 1), pa.string()), EMAIL_DOMAIN, ""
    )
    typo = pc.replace_substring(v.emails, EMAIL_DOMAIN, TYPO_DOMAIN).take(f["person"])
    owners = pc.if_else(pa.array(typo_accounts(v)[f["slot"]]), typo, owner_emails(v).take(f["person"]))
    return table(
        owner_email=pa.concat_arrays([owners, mailbox]),
        month=dates(np.concatenate([f["month"], box["month"]])),
        revenue=pa.array(np.concatenate([f["revenue"], box["revenue"]]), pa.float64()),
        revenue_target=pa.array(np.concatenate([f["target"], box["target"]]), pa.float64()),
        pipeline_value=pa.array(np.concatenate([f["pipeline"], box["pipeline"]]), pa.float64()),
        closed_deals=pa.array(np.concatenate([f["deals"], box["deals"]]).astype(np.int64)),
    )
