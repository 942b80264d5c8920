"""Calendar arithmetic on integer day numbers, and the random streams keyed by month.

Every date inside the simulation is an int32 day number (days since 1970-01-01), which is what
Arrow's date32 stores, so columns go to the exports without conversion. ``NO_DAY`` means "never".

Random numbers come from ``np.random.default_rng([seed, stream, month])``: the draws of month t
depend only on the seed, the stream and t, never on how many months are simulated. That is what
makes the first N months of an N+1-month simulation identical to an N-month one.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum

import numpy as np

EPOCH = date(1970, 1, 1)
NO_DAY = np.int32(np.iinfo(np.int32).max)
SECONDS_PER_DAY = 86_400


class Stream(IntEnum):
    """One independent random stream per concern, so adding draws to one never shifts another."""

    ORG = 1
    INIT = 2
    FILL = 3
    HIRE = 4
    PERFORMANCE = 5
    EXIT = 6
    REVIEW = 7
    METRICS = 8
    TRAINING = 9
    MILESTONES = 10
    COMPETENCIES = 11
    MENTORING = 12
    SESSIONS = 13
    REVENUE = 14
    LEADERSHIP_REVIEWS = 15
    SUCCESSION = 16
    SESSIONS_AHEAD = 17
    CRM_EXPORT = 18


def rng(seed: int, stream: Stream, month: int | None = None) -> np.random.Generator:
    key = [seed, int(stream)] if month is None else [seed, int(stream), month]
    return np.random.default_rng(key)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def to_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


def month_number(d: date) -> int:
    """Months since year 0, so consecutive months differ by one."""
    return d.year * 12 + d.month - 1


def first_days(month_numbers) -> np.ndarray:
    """Day number of the first day of each month number."""
    months = np.asarray(month_numbers, dtype=np.int64) - 1970 * 12
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int32)


def shift_month(d: date, n: int, day: int | None = None) -> date:
    """``d`` moved by ``n`` calendar months, keeping ``day`` (default d's day) clipped to month end."""
    year, month0 = divmod(month_number(d) + n, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day or d.day, last))


@dataclass(frozen=True)
class Window:
    """The simulated months: ``months`` calendar months starting with month number ``start_month``."""

    start_month: int
    months: int
    starts: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # one extra entry: the first day after the window, so month t spans starts[t]..starts[t+1]-1
        object.__setattr__(self, "starts", first_days(self.start_month + np.arange(self.months + 2)))

    def start(self, t: int) -> int:
        return int(self.starts[t])

    def length(self, t: int) -> int:
        return int(self.starts[t + 1] - self.starts[t])

    def calendar_month(self, t: int) -> int:
        return (self.start_month + t) % 12 + 1

    def month_no(self, t: int) -> int:
        return self.start_month + t

    def quarter_start(self, t: int) -> int:
        """First day of the quarter containing month t (may precede the window)."""
        m = self.start_month + t
        return int(first_days([m - m % 3])[0])
