"""Public entry points: a full history, then one incremental month at a time.

- ``generate_history`` simulates ``months`` calendar months ending with as_of's month and writes
  ONE full batch per system (every HRIS entity; CRM team_revenue), exported at as_of 06:00Z
  (HRIS) and 06:15Z (CRM), plus the latent truth and ``generator.json`` in ``truth_dir``.
- ``generate_next_month`` re-simulates one month more from the same seed and start (the first
  months come out identical: see timeline.py), moves as_of one calendar month on (same day,
  clipped to the month's end), and writes an incremental batch: every snapshot entity in full,
  and of each event entity only the rows that are new or changed since the previous as_of (new
  months' rows, late completions, sessions that took place). Applied over the history with
  "latest batch wins per key", it gives exactly a fresh full history to the new as_of.
- Same seed, sizes and as_of give byte-identical files; nothing reads the clock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa

from lpss_pipeline.contract import BATCH_ID_FORMAT, FILE_FORMATS, entities_of

from .asof import CRM_EXPORT_MINUTE, HRIS_EXPORT_HOUR, AsOf
from .batch_writer import conform, write_batch
from .crm import team_revenue
from .events import EVENT_TABLES
from .progress import Stages
from .simulate import Simulation, simulate
from .snapshots import departments, employees, mentor_assignments, positions
from .succession import succession_nominations
from .timeline import first_days, month_number, shift_month, to_date
from .truth import write_truth

CONFIG_FILE = "generator.json"
SNAPSHOT_TABLES = {
    "employees": employees,
    "departments": departments,
    "positions": positions,
    "succession_nominations": succession_nominations,
    "mentor_assignments": mentor_assignments,
}
HRIS_TABLES = {**SNAPSHOT_TABLES, **EVENT_TABLES}


def batch_id(as_of: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(as_of, time(hour, minute), tzinfo=UTC).strftime(BATCH_ID_FORMAT)


def _check(landing_dir: Path, truth_dir: Path, fmt: str) -> None:
    if fmt not in FILE_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FILE_FORMATS}")
    landing, truth = Path(landing_dir).resolve(), Path(truth_dir).resolve()
    if truth == landing or landing in truth.parents:
        raise ValueError(f"the latent truth ({truth}) must live beside the landing zone, not inside it")
    missing = {e.name for e in entities_of("hris")} ^ set(HRIS_TABLES)
    if missing:
        raise RuntimeError(f"generator and contract disagree on HRIS entities: {sorted(missing)}")


class LazyTables(Mapping[str, pa.Table]):
    """Entity tables built only when ``write_batch`` asks for each, so one entity at a time is in
    memory (a million-employee history would not fit otherwise); each build marks a stage."""

    def __init__(self, builders: Mapping[str, Callable[[], pa.Table]], stages: Stages) -> None:
        self._builders, self._stages = dict(builders), stages

    def __getitem__(self, name: str) -> pa.Table:
        self._stages.step(f"writing {name}")
        return self._builders[name]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def _export(
    landing_dir: Path,
    truth_dir: Path,
    v: AsOf,
    hris: Mapping[str, pa.Table],
    crm: Mapping[str, pa.Table],
    fmt: str,
    stages: Stages,
) -> list[Path]:
    """Write the HRIS batch here and, on a second thread, the CRM batch and the latent truth.

    Arrow's casts and file writers release the GIL, so the two cores both work; each thread writes
    its own files, so the output is the same as written one after the other."""
    v.sim.log.freeze()
    _ = v.ids, v.emails  # shared lazily-built columns: build them before the threads start

    def crm_then_truth() -> Path:
        crm_batch = batch_id(v.as_of, HRIS_EXPORT_HOUR, CRM_EXPORT_MINUTE)
        path = write_batch(landing_dir, "crm", crm_batch, crm, fmt)
        write_truth(v, Path(truth_dir))
        stages.step("wrote the latent truth")
        return path

    with ThreadPoolExecutor(max_workers=1) as pool:
        side = pool.submit(crm_then_truth)
        hris_path = write_batch(landing_dir, "hris", batch_id(v.as_of, HRIS_EXPORT_HOUR), hris, fmt)
        return [hris_path, side.result()]


def _run(config: dict, stages: Stages) -> Simulation:
    return simulate(
        seed=config["seed"],
        employees=config["employees"],
        start_month=month_number(date.fromisoformat(config["window_start"])),
        months=config["months"],
        on_month=lambda t: stages.step(f"simulating month {t + 1}"),
    )


def _save(truth_dir: Path, config: dict) -> None:
    Path(truth_dir).mkdir(parents=True, exist_ok=True)
    (Path(truth_dir) / CONFIG_FILE).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def _stage_count(months: int) -> int:
    return months + len(HRIS_TABLES) + 2  # months, entities, crm, truth


def generate_history(
    landing_dir: Path,
    truth_dir: Path,
    *,
    employees: int = 2000,
    months: int = 36,
    as_of: date,
    seed: int = 42,
    fmt: str = "csv",
    progress: bool = False,
) -> list[Path]:
    """Write a full history (one batch per system) ending on ``as_of``; return the batch folders."""
    _check(landing_dir, truth_dir, fmt)
    if months < 1 or employees < 8:
        raise ValueError("need at least 1 month and 8 employees")
    start = to_date(int(first_days([month_number(as_of) - months + 1])[0]))
    config = {
        "seed": seed,
        "employees": employees,
        "months": months,
        "window_start": start.isoformat(),
        "as_of": as_of.isoformat(),
        "anchor_day": as_of.day,
        "fmt": fmt,
    }
    with Stages(progress, _stage_count(months)) as stages:
        sim = _run(config, stages)
        v = AsOf(sim, as_of)
        hris = LazyTables({name: partial(build, v) for name, build in HRIS_TABLES.items()}, stages)
        crm = LazyTables({"team_revenue": partial(team_revenue, v)}, stages)
        paths = _export(landing_dir, truth_dir, v, hris, crm, fmt, stages)
        _save(truth_dir, {**config, "batches": {p.parent.name: p.name for p in paths}})
    return paths


def _row_hashes(system: str, name: str, table: pa.Table) -> np.ndarray:
    import pandas as pd  # only the incremental month needs it; full histories stay import-light

    frame = conform(system, name, table).to_pandas()
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _changed(
    system: str, name: str, build_new: Callable[[], pa.Table], build_old: Callable[[], pa.Table]
) -> pa.Table:
    """Rows of the new export that the old one does not have word for word (new or corrected)."""
    new = build_new()
    fresh = ~np.isin(_row_hashes(system, name, new), _row_hashes(system, name, build_old()))
    return new.filter(pa.array(fresh))


def generate_next_month(
    landing_dir: Path, truth_dir: Path, *, fmt: str | None = None, progress: bool = False
) -> list[Path]:
    """Simulate one more month and write it as an incremental batch per system."""
    path = Path(truth_dir) / CONFIG_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run generate_history first")
    config = json.loads(path.read_text())
    fmt = fmt or config["fmt"]
    _check(landing_dir, truth_dir, fmt)
    previous = date.fromisoformat(config["as_of"])
    as_of = shift_month(previous, 1, config["anchor_day"])
    config = {**config, "months": config["months"] + 1, "as_of": as_of.isoformat(), "fmt": fmt}
    with Stages(progress, _stage_count(config["months"])) as stages:
        sim = _run(config, stages)
        now, before = AsOf(sim, as_of), AsOf(sim, previous)
        builders = {name: partial(build, now) for name, build in SNAPSHOT_TABLES.items()}
        builders.update(
            {
                name: partial(_changed, "hris", name, partial(build, now), partial(build, before))
                for name, build in EVENT_TABLES.items()
            }
        )
        hris = LazyTables(builders, stages)
        crm = LazyTables(
            {
                "team_revenue": partial(
                    _changed, "crm", "team_revenue", partial(team_revenue, now), partial(team_revenue, before)
                )
            },
            stages,
        )
        before.sim.log.freeze()
        _ = before.ids, before.emails
        paths = _export(landing_dir, truth_dir, now, hris, crm, fmt, stages)
        _save(truth_dir, {**config, "batches": {p.parent.name: p.name for p in paths}})
    return paths
