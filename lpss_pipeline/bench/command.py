"""The `lpss bench` and `lpss bench-report` commands (registered in lpss_pipeline/cli.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from lpss_pipeline.console import console, new_table
from lpss_pipeline.settings import DBT_TARGETS, load_settings

# (JSON key, column heading) of the README's performance table, one row per benchmark file.
REPORT_COLUMNS = (
    ("generate_s", "generate s"),
    ("total_s", "full refresh s"),
    ("dbt_build_s", "dbt build + tests s"),
    ("transform_s", "transform s"),
    ("reference_sql_s", "SQL reference s"),
    ("transform_vs_sql", "transform / SQL"),
    ("pandas_s", "pandas s"),
    ("transform_vs_pandas", "transform / pandas"),
    ("incremental_s", "next month s"),
    ("alert_latency_s", "batch to alert s"),
    ("pipeline_peak_rss_mb", "pipeline peak RSS MB"),
    ("peak_rss_mb", "peak RSS MB (with references)"),
)


def bench(
    employees: list[int] = typer.Option(
        [2000], help="Active headcount of the synthetic organisation; repeat for several sizes, run in turn."
    ),
    months: int = typer.Option(36, help="Months of history."),
    seed: int = typer.Option(42, help="Random seed (the organisation is cached per seed, size and as-of)."),
    as_of: str = typer.Option(None, help="As-of date YYYY-MM-DD (default: today)."),
    target: list[str] = typer.Option(
        [],
        help="Also time the transformation on this dbt target (duckdb, spark), over the same tables; repeat "
        "for both. The pipeline itself runs on LPSS_DBT_TARGET.",
    ),
    json_path: Path = typer.Option(
        None, "--json", help="Write the measurements to this JSON file (a list when several sizes)."
    ),
    workdir: Path = typer.Option(None, help="Cache and run folders (default: LPSS_HOME/bench)."),
    pandas: bool = typer.Option(True, help="Also time the pandas reference (it holds raw tables in memory)."),
    incremental: bool = typer.Option(True, help="Also land and run one more month."),
    latency: bool = typer.Option(True, help="Also time a landed batch to its alert with the daemon running."),
) -> None:
    """Run the whole pipeline on a synthetic organisation and measure every stage, time and memory."""
    from lpss_pipeline.bench.runner import BenchSpec, run_bench

    for name in target:
        if name not in DBT_TARGETS:
            known = ", ".join(DBT_TARGETS)
            raise typer.BadParameter(f"{name!r} is not a dbt target ({known})", param_hint="--target")
    results = []
    for size in employees:
        spec = BenchSpec(
            employees=size,
            months=months,
            seed=seed,
            as_of=date.fromisoformat(as_of) if as_of else date.today(),
            workdir=(workdir or load_settings().home / "bench").resolve(),
            pandas=pandas,
            incremental=incremental,
            latency=latency,
            transform_targets=tuple(target),
        )
        results.append(run_bench(spec, say=lambda text: console.print(f"[dim]{text}[/]")))
        _print_result(results[-1])
    if target:
        _print_transform_by_target(results)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results[0] if len(results) == 1 else results, indent=2) + "\n")
        console.print(f"measurements: {json_path}")


def _print_result(result: dict) -> None:
    title = f"lpss bench: {result['employees']:,} employees x {result['months']} months"
    table = new_table(title, "stage", ">s", ">peak RSS MB")
    for stage in result["stages"]:
        table.add_row(stage["stage"], f"{stage['seconds']:.1f}", f"{stage['peak_rss_mb']:,.0f}")
    console.print(table)
    console.print(
        f"full refresh {result['total_s']:.1f} s (pipeline_job + alert_delivery_job), "
        f"peak RSS {result['pipeline_peak_rss_mb']:,.0f} MB "
        f"({result['peak_rss_mb']:,.0f} MB with the references), generated in {result['generate_s']:.1f} s\n"
        f"transformation (dbt, scorecard + coverage + KPI models) {result['transform_s']:.1f} s: "
        f"{result['transform_vs_sql']}x the SQL reference ({result['reference_sql_s']:.1f} s)"
        + (
            f", {result['transform_vs_pandas']}x pandas ({result['pandas_s']:.1f} s)"
            if result.get("pandas_s")
            else ", pandas not run"
        )
        + f"\ndbt build of every model with its tests {result['dbt_build_s']:.1f} s"
        + (
            f"\nnext month (scorecard_job + alerts) {result['incremental_s']:.1f} s"
            if "incremental_s" in result
            else ""
        )
        + (
            f"\nlanded batch to delivered alert, sensors running: {result['alert_latency_s']:.1f} s"
            if "alert_latency_s" in result
            else ""
        )
    )


def _print_transform_by_target(results: list[dict]) -> None:
    """The transformation's seconds per size and dbt target: the same models over the same tables."""
    targets = list(dict.fromkeys(t for r in results for t in r["transform_by_target_s"]))
    table = new_table("transformation by dbt target", "employees", *(f">{t} s" for t in targets))
    for r in results:
        table.add_row(f"{r['employees']:,}", *(f"{r['transform_by_target_s'][t]:.1f}" for t in targets))
    console.print(table)


def bench_report(
    files: list[Path] = typer.Argument(..., help="JSON files written by `lpss bench --json`."),
) -> None:
    """Print benchmark results as the Markdown table of the README's performance section."""
    loaded = [json.loads(f.read_text()) for f in files]  # one result, or a list of sizes
    flat = [r for x in loaded for r in (x if isinstance(x, list) else [x])]
    results = sorted(flat, key=lambda r: r["employees"])
    print("| employees x months | " + " | ".join(h for _, h in REPORT_COLUMNS) + " |")
    print("|---" * (len(REPORT_COLUMNS) + 1) + "|")
    for r in results:
        cells = ["-" if r.get(key) is None else f"{r[key]:,}" for key, _ in REPORT_COLUMNS]
        print(f"| {r['employees']:,} x {r['months']} | " + " | ".join(cells) + " |")
