"""`lpss bench`: the whole pipeline on a synthetic organisation of a given size, measured.

One benchmark run: generate the organisation (cached per seed, size and as-of date), run
``pipeline_job`` and ``alert_delivery_job`` in this process as `lpss run` does, then the same
outputs three more ways over the same raw tables: dbt building only the scorecard, coverage and
KPI models (``transform_s``, and on every other dbt target asked for: ``transform_by_target_s``),
the hand-written SQL script and the pandas version (references.py).
Then one more month lands and the monthly ``scorecard_job`` runs on it (``incremental_s``). Last,
with the Dagster daemon running, a broken batch lands and its alert is awaited (latency.py).
Wall time comes from Dagster's step records; memory from a sampler of this process tree.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from lpss_pipeline.assets.dbt import DBT_EXECUTABLE, INVOCATIONS_DIR
from lpss_pipeline.lake.metastore import forget_other_home
from lpss_pipeline.lake.sync import sync_lake
from lpss_pipeline.settings import DBT_PROJECT_DIR, Settings, dbt_target, duckdb_config
from lpss_pipeline.summary import summarize

from .memory import MemorySampler

TRANSFORM_SELECT = "+fct_leader_scorecards +fct_succession_coverage +fct_kpis"
"""The dbt models behind the outputs the references compute: the like-for-like transformation."""


@dataclass(frozen=True)
class BenchSpec:
    employees: int
    months: int
    seed: int
    as_of: date
    workdir: Path  # holds cache/ (generated organisations) and run-<size>/ (the LPSS_HOME measured)
    pandas: bool = True
    incremental: bool = True
    latency: bool = True
    transform_targets: tuple[str, ...] = ()  # dbt targets the transformation is also timed on

    @property
    def label(self) -> str:
        return f"{self.employees}x{self.months}-seed{self.seed}-{self.as_of:%Y%m%d}"


def _generated(spec: BenchSpec, say: Callable[[str], None]) -> tuple[Path, float]:
    """The organisation's folder (landing/ and truth/), generated once; and how long that took."""
    from lpss_pipeline.synthetic.generate import generate_history

    cache = spec.workdir / "cache" / spec.label
    timing = cache / "generate.json"
    if timing.exists() and (cache / "landing").is_dir() and (cache / "truth").is_dir():
        return cache, json.loads(timing.read_text())["generate_s"]
    shutil.rmtree(cache, ignore_errors=True)
    say(f"generating {spec.employees:,} employees x {spec.months} months")
    start = time.perf_counter()
    # In a child process: the generator's heap (9 GB at 2M) would otherwise stay with this process
    # and count in the pipeline's peak memory.
    child = multiprocessing.get_context("spawn").Process(
        target=generate_history,
        args=(cache / "landing", cache / "truth"),
        kwargs={"employees": spec.employees, "months": spec.months, "as_of": spec.as_of, "seed": spec.seed},
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"generating the organisation failed (exit code {child.exitcode})")
    seconds = round(time.perf_counter() - start, 2)
    timing.write_text(json.dumps({"generate_s": seconds}))
    return cache, seconds


def _fresh_home(spec: BenchSpec, cache: Path) -> Settings:
    """A new LPSS_HOME whose landing zone hard-links the cached batches (gigabytes at 2M)."""
    home = spec.workdir / f"run-{spec.employees}x{spec.months}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(cache / "landing", home / "landing", copy_function=os.link)
    shutil.copytree(cache / "truth", home / "synthetic_truth")  # rewritten by the next month
    settings = Settings(home=home, landing_dir=home / "landing")
    settings.ensure()
    settings.export_env()
    return settings


def _steps(instance: dg.DagsterInstance, run_id: str, memory: MemorySampler) -> list[dict]:
    stats = sorted(instance.get_run_step_stats(run_id), key=lambda s: s.start_time or 0)
    return [
        {
            "stage": s.step_key,
            "seconds": round((s.end_time or 0) - (s.start_time or 0), 2),
            "peak_rss_mb": memory.peak_mb(s.start_time, s.end_time),
        }
        for s in stats
    ]


def _job(settings: Settings, name: str, memory: MemorySampler, say) -> dict:
    from lpss_pipeline.runner import run_job

    say(f"running {name}")
    start = time.time()
    with dg.DagsterInstance.get() as instance:
        outcome = run_job(settings, name, instance=instance)
        end = time.time()
        if not outcome.success:
            raise RuntimeError(f"{name} failed during the benchmark:\n" + "\n".join(outcome.failures))
        return {
            "job": name,
            "seconds": round(end - start, 2),
            "peak_rss_mb": memory.peak_mb(start, end),
            "steps": _steps(instance, outcome.run_id, memory),
        }


def _jobs(settings: Settings, names: tuple[str, ...], memory: MemorySampler, say) -> tuple[float, list[dict]]:
    """Run ``names`` one after the other: their wall time together, and each one's record."""
    started = time.time()
    jobs = [_job(settings, name, memory, say) for name in names]
    return round(time.time() - started, 2), jobs


def _timed(memory: MemorySampler, work: Callable[[], object]) -> tuple[float, float]:
    start = time.time()
    work()
    end = time.time()
    return round(end - start, 2), memory.peak_mb(start, end)


def _dbt_transform(settings: Settings, target: str) -> None:
    """dbt builds the reference's outputs' models (no tests) on ``target``, as the pipeline's dbt step
    would: on the pipeline's own target, from the project's partial parse (lpss_pipeline/assets/dbt.py)."""
    target_path = settings.home / f"dbt-bench-{target}"
    target_path.mkdir(exist_ok=True)
    parsed = INVOCATIONS_DIR / "partial_parse.msgpack"
    if parsed.exists() and target == dbt_target():
        shutil.copy(parsed, target_path / parsed.name)
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "run",
            "--quiet",
            "--select",
            TRANSFORM_SELECT,
            "--target-path",
            str(target_path),
        ],
        cwd=DBT_PROJECT_DIR,
        check=True,
        env={**os.environ, "LPSS_WAREHOUSE_PATH": str(settings.warehouse_path), "LPSS_DBT_TARGET": target},
    )


def _lake_for_spark(settings: Settings) -> None:
    """The lake Spark reads, brought up to date as a spark-target pipeline would have kept it (each
    batch written at its load): not part of the transformation's time."""
    with duckdb.connect(str(settings.warehouse_path), config=duckdb_config()) as con:
        sync_lake(con, settings.lake_dir)
    forget_other_home(settings.spark_dir)


def run_bench(spec: BenchSpec, say: Callable[[str], None] = print) -> dict:
    """Measure one size; the result is what ``--json`` writes."""
    from lpss_pipeline.bench.latency import measure_alert_latency
    from lpss_pipeline.bench.references import run_pandas_reference, run_sql_reference
    from lpss_pipeline.synthetic.generate import generate_next_month

    cache, generate_s = _generated(spec, say)
    settings = _fresh_home(spec, cache)
    result: dict = {
        "employees": spec.employees,
        "months": spec.months,
        "seed": spec.seed,
        "as_of": spec.as_of.isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {  # what the run was tuned with (README, Configuration)
            "duckdb_memory_limit": duckdb_config()["memory_limit"],
            "dbt_threads": int(os.environ.get("LPSS_DBT_THREADS", "2")),
            "dbt_target": dbt_target(),  # LPSS_DBT_TARGET: every dbt step below, the transform's too
        },
        "generate_s": generate_s,
    }
    with MemorySampler() as memory:
        result["total_s"], jobs = _jobs(settings, ("pipeline_job", "alert_delivery_job"), memory, say)
        result["jobs"] = jobs
        result["stages"] = [step for job in jobs for step in job["steps"]]
        result["dbt_build_s"] = round(
            sum(s["seconds"] for s in result["stages"] if s["stage"].startswith("lpss_dbt_")), 2
        )
        result["raw_rows"] = {t.removeprefix("raw."): rows for t, rows, _ in summarize(settings).tables}
        say("timing the transformation and its references")
        result["transform_s"], result["transform_peak_rss_mb"] = _timed(
            memory, lambda: _dbt_transform(settings, dbt_target())
        )
        result["transform_by_target_s"] = {dbt_target(): result["transform_s"]}
        for target in (t for t in spec.transform_targets if t != dbt_target()):
            say(f"timing the transformation on the {target} target")
            if target == "spark":
                _lake_for_spark(settings)
            result["transform_by_target_s"][target], _ = _timed(
                memory, lambda target=target: _dbt_transform(settings, target)
            )
        with duckdb.connect(str(settings.warehouse_path), config=duckdb_config()) as con:
            result["reference_sql_s"], result["reference_sql_peak_rss_mb"] = _timed(
                memory, lambda: run_sql_reference(con)
            )
            if spec.pandas:
                result["pandas_s"], result["pandas_peak_rss_mb"] = _timed(
                    memory, lambda: run_pandas_reference(con)
                )
            else:
                result["pandas_s"], result["pandas_peak_rss_mb"] = None, None
            con.execute("drop schema if exists bench_ref cascade")
        if spec.incremental:
            generate_next_month(settings.landing_dir, settings.truth_dir)
            result["incremental_s"], result["incremental_jobs"] = _jobs(
                settings, ("scorecard_job", "alert_delivery_job"), memory, say
            )
        if spec.latency:
            result.update(measure_alert_latency(settings, say))
        result["peak_rss_mb"] = memory.peak_mb()
        result["pipeline_peak_rss_mb"] = max(
            j["peak_rss_mb"] for j in [*jobs, *result.get("incremental_jobs", [])]
        )
    result["transform_vs_sql"] = round(result["transform_s"] / result["reference_sql_s"], 2)
    result["dbt_build_vs_sql"] = round(result["dbt_build_s"] / result["reference_sql_s"], 2)
    if result["pandas_s"]:
        result["transform_vs_pandas"] = round(result["transform_s"] / result["pandas_s"], 2)
    return result
