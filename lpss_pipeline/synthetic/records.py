"""Columnar containers the simulation writes into: a growable store and an append-only event log.

Both hold numpy columns, never Python objects per row, so a million-person organisation costs
a handful of array operations per month. Event fields are internal (person indexes, day
numbers, codes); ``exports.py`` turns them into the contract's columns.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

I4, I2, I1, F4, F8, B = np.int32, np.int16, np.int8, np.float32, np.float64, np.bool_

# Internal fields of each event log. "known" is the day a row becomes visible to the HRIS, where
# it differs from the row's own date (quarterly rows become known in the month they are held).
EVENT_FIELDS: dict[str, dict[str, type]] = {
    "goal_attainment": {"person": I4, "month": I4, "pct": F8},
    "one_on_one_feedback": {"person": I4, "month": I4, "requested": I4, "completed": I4},
    "engagement_surveys": {
        "person": I4,
        "quarter": I4,
        "known": I4,
        "satisfaction": F8,
        "responses": I4,
        "invited": I4,
    },
    "strategic_impact_ratings": {
        "person": I4,
        "quarter": I4,
        "known": I4,
        "execution": F8,
        "innovation": F8,
        "influence": F8,
        "rater": I4,
    },
    "team_revenue": {
        "person": I4,
        "slot": I4,
        "month": I4,
        "revenue": F8,
        "target": F8,
        "pipeline": F8,
        "deals": I4,
    },
    "leadership_reviews": {"review": I4, "person": I4, "day": I4, "outcome": I1},
    "trainings": {"person": I4, "course": I2, "assigned": I4, "due": I4, "completed": I4},
    "idp_milestones": {
        "milestone": I4,
        "person": I4,
        "type": I1,
        "competency": I2,
        "created": I4,
        "due": I4,
        "completed": I4,
    },
    "competency_assessments": {"person": I4, "month": I4, "competency": I2, "rating": I1, "assessor": I4},
    "readiness_assessments": {"person": I4, "day": I4, "target": I1, "ready": B, "assessor": I4},
    "promotions": {"person": I4, "day": I4, "from_level": I1, "to_level": I1, "slot": I4},
    "mentoring_sessions": {"session": I4, "assignment": I4, "at": np.int64, "status": I1, "feedback": I1},
    "truth": {"person": I4, "month": I4, "level": I1, "performance": F4, "readiness": F4},
}


class EventLog:
    """Append-only chunks per event kind, tagged with the simulation step that wrote them.

    ``frame`` concatenates a kind's chunks once (in append order, so rows are grouped by step)
    and keeps only the result, so the log never holds two copies of a big entity.
    """

    def __init__(self) -> None:
        self.step = 0  # set by the month loop; every chunk added is tagged with it
        self._chunks: dict[str, list[dict[str, np.ndarray]]] = defaultdict(list)
        self._steps: dict[str, list[tuple[int, int]]] = defaultdict(list)  # (step, rows) per chunk
        self._frames: dict[str, dict[str, np.ndarray]] = {}

    def add(self, kind: str, **columns) -> None:
        fields = EVENT_FIELDS[kind]
        if set(columns) != set(fields):
            raise ValueError(f"{kind}: fields {sorted(columns)} do not match {sorted(fields)}")
        n = {np.size(v) for v in columns.values() if np.ndim(v)}
        size = n.pop() if n else 1
        if n:
            raise ValueError(f"{kind}: columns of different lengths")
        if not size:
            return
        if kind in self._frames:  # appending after a read: fold the frame back into the chunks
            self._chunks[kind] = [self._frames.pop(kind)]
        self._chunks[kind].append(
            {k: np.broadcast_to(np.asarray(v, dtype=fields[k]), (size,)) for k, v in columns.items()}
        )
        self._steps[kind].append((self.step, size))

    def frame(self, kind: str) -> dict[str, np.ndarray]:
        if kind not in self._frames:
            chunks = self._chunks.pop(kind, [])
            self._frames[kind] = {
                k: (np.concatenate([c[k] for c in chunks]) if chunks else np.empty(0, dtype=t))
                for k, t in EVENT_FIELDS[kind].items()
            }
        return self._frames[kind]

    def freeze(self) -> None:
        """Build every frame now, so threads that export concurrently only ever read."""
        for kind in EVENT_FIELDS:
            self.frame(kind)

    def rows_before(self, kind: str, step: int) -> int:
        """How many rows of ``kind`` were written by steps before ``step`` (rows come in step order)."""
        return sum(rows for s, rows in self._steps.get(kind, []) if s < step)


class Store:
    """A struct of growable numpy columns: rows are appended, columns updated in place.

    ``store[name]`` is a view of the live rows; fetch it again after ``append`` (growth reallocates).
    """

    def __init__(self, fields: dict[str, type | tuple[type, int]], capacity: int = 1024) -> None:
        self._fields = fields
        self._data: dict[str, np.ndarray] = {}
        self.n = 0
        for name, spec in fields.items():
            dtype, width = spec if isinstance(spec, tuple) else (spec, None)
            shape = (capacity,) if width is None else (capacity, width)
            self._data[name] = np.zeros(shape, dtype=dtype)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> np.ndarray:
        return self._data[name][: self.n]

    def append(self, **columns) -> np.ndarray:
        """Append rows (every field must be given) and return their indexes."""
        if set(columns) != set(self._fields):
            raise ValueError(f"store fields {sorted(columns)} do not match {sorted(self._fields)}")
        k = len(next(iter(columns.values())))
        need = self.n + k
        capacity = len(next(iter(self._data.values())))
        if need > capacity:
            new_capacity = max(need, 2 * capacity)
            for name, arr in self._data.items():
                grown = np.zeros((new_capacity, *arr.shape[1:]), dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self._data[name] = grown
        for name, values in columns.items():
            self._data[name][self.n : need] = values
        self.n = need
        return np.arange(self.n - k, self.n, dtype=np.int32)
