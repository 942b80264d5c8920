"""A tiny smoke of `lpss bench` (the benchmark itself runs with `make bench`, never in the tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LPSS = str(Path(sys.executable).with_name("lpss"))


def test_lpss_bench_measures_every_stage_both_references_and_the_alert_latency(tmp_path):
    env = {**os.environ, "LPSS_HOME": str(tmp_path / "home"), "LPSS_WAREHOUSE_PATH": ""}
    out = tmp_path / "bench.json"
    # Without the next month's scorecard_job (a third whole build, timed by the same code as the first)
    args = ["--employees", "150", "--months", "14", "--as-of", "2026-06-15", "--no-incremental"]
    args += ["--json", str(out)]
    run = subprocess.run([LPSS, "bench", *args], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text())
    for key in ("total_s", "transform_s", "reference_sql_s", "pandas_s", "peak_rss_mb"):
        assert result[key] > 0, key
    assert "incremental_s" not in result
    # With the daemon's sensors running, the broken batch was ingested, quarantined and announced.
    assert result["alert_latency_s"] > 0 and result["alert_channel"] == "lpss-data-ops"
    steps = {s["stage"] for s in result["stages"]}
    assert {"configuration", "ingest_hris_exports", "hris_data_integrity", "lpss_dbt_models"} <= steps
    assert "published__lpss_marts" in steps
    assert "send_pending_alerts" in steps
    assert all(s["seconds"] >= 0 and s["peak_rss_mb"] >= 0 for s in result["stages"])
    assert result["peak_rss_mb"] >= max(s["peak_rss_mb"] for s in result["stages"])
    assert result["transform_vs_sql"] == round(result["transform_s"] / result["reference_sql_s"], 2)
    assert result["raw_rows"]["hris__employees"] > 150
    assert (tmp_path / "home" / "bench" / "cache").is_dir()  # the organisation is kept for the next run

    report = subprocess.run([LPSS, "bench-report", str(out)], env=env, capture_output=True, text=True)
    assert report.returncode == 0 and "| 150 x 14 |" in report.stdout
