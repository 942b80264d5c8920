"""Who people are to the outside world: ids, names, e-mails and Slack ids.

Decisions:
- Employee ids ``E0000001`` follow creation order: everyone in post when the window opens, in
  seat order (the CEO first), then hires month by month. Earlier ids never change when more
  months are simulated.
- E-mails are ``first.last@example.com``, with ``first.last<n>`` for the n-th person of the same
  name (n >= 2, counted in id order), so they are unique case-insensitively and stable.
- Slack ids are ``U`` + 10 upper-case alphanumerics hashed from (seed, person); ~90% of people
  have one. Hashing (not a random stream) keeps them stable however the months are split.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import coded, fixed_ids
from .records import Store
from .vocabulary import FIRST_NAMES, LAST_NAMES

ALPHABET = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
SLACK_SHARE = 90  # percent of people with a Slack id
EMAIL_DOMAIN = "@example.com"


def _token(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def mix64(values: np.ndarray, seed: int) -> np.ndarray:
    """SplitMix64 finaliser: a fast, well-spread deterministic hash of integers."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(seed & 0xFFFFFFFF) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def employee_ids(n: int) -> pa.Array:
    return fixed_ids("E", np.arange(1, n + 1), 7)


def full_names(people: Store) -> pa.Array:
    first = coded(people["first"], FIRST_NAMES).cast(pa.string())
    last = coded(people["last"], LAST_NAMES).cast(pa.string())
    return pc.binary_join_element_wise(first, last, " ")


def emails(people: Store) -> pa.Array:
    """One lower-case e-mail per person (all people, in id order)."""
    n_last = len(LAST_NAMES)
    key = people["first"].astype(np.int64) * n_last + people["last"]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    rank = np.empty(len(key), dtype=np.int64)
    rank[order] = np.arange(len(key)) - np.searchsorted(sorted_key, sorted_key, side="left")
    first = coded(people["first"], [_token(x) for x in FIRST_NAMES]).cast(pa.string())
    last = coded(people["last"], [_token(x) for x in LAST_NAMES]).cast(pa.string())
    number = pc.cast(pa.array(rank + 1), pa.string())
    suffix = pc.if_else(pa.array(rank == 0), pa.scalar(""), number)
    local = pc.binary_join_element_wise(first, last, ".")
    return pc.binary_join_element_wise(local, suffix, EMAIL_DOMAIN, "")


def slack_ids(n: int, seed: int) -> pa.Array:
    h = mix64(np.arange(n, dtype=np.uint64), seed)
    present = (h % np.uint64(100)) < SLACK_SHARE
    digits = (h >> np.uint64(8))[:, None] // (np.uint64(36) ** np.arange(10, dtype=np.uint64)) % np.uint64(36)
    body = np.concatenate(
        [np.full((n, 1), ord("U"), dtype=np.uint8), ALPHABET[digits.astype(np.int64)]], axis=1
    )
    offsets = np.arange(n + 1, dtype=np.int32) * 11
    values = pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(body.copy())])
    return pc.if_else(pa.array(present), values, pa.scalar(None, pa.string()))
