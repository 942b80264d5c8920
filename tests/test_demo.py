"""A whole `lpss demo` on a small organisation, then again: every raw table filled, nothing loaded twice."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from lpss_pipeline.contract import ENTITIES
from lpss_pipeline.processes import serving
from tests.demo_home import DEMO, LPSS, lpss
from tests.homes import files, settled_snapshot, snapshot
from tests.servers import free_port, wait_for


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def raw_counts(home: Path) -> dict[str, int]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return {
            e.raw_table: con.execute(f'SELECT count(*) FROM raw."{e.raw_table}"').fetchone()[0]
            for e in ENTITIES.values()
        }


def test_demo_fills_every_raw_table_and_prints_a_summary(demo_home):
    home, out = demo_home
    counts = raw_counts(home)
    assert all(n > 0 for n in counts.values()), counts
    assert f"Raw tables: {len(counts)} of {len(counts)} hold rows" in out and "Export batches" in out
    assert str(home / "warehouse.duckdb") in out and "lpss ui" in out
    assert "lpss serve" in out and str(home / "demo_users.json") in out
    users = json.loads((home / "demo_users.json").read_text())
    assert [u["role"] for u in users] == ["executive", "hr_admin", "manager", "mentor", "leader"]
    assert all(set(u) == {"username", "password", "role", "employee_id"} for u in users)
    assert not any(u["password"] in out for u in users), "passwords are never printed"
    assert (home / "demo_users.json").stat().st_mode & 0o077 == 0
    assert (home / "dagster_home" / "dagster.yaml").read_text().count("enabled: false") == 1
    assert not list((home / "landing").rglob("*truth*")), "the latent truth stays outside the exports"
    assert list((home / "synthetic_truth").iterdir())


def published(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "lpss_marts.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def model_versions(home: Path) -> int:
    """Registered model versions."""
    if not (home / "mlflow.db").exists():
        return 0
    with sqlite3.connect(home / "mlflow.db") as con:
        return con.execute("SELECT count(*) FROM model_versions").fetchone()[0]


def dagster_runs(home: Path) -> int:
    with sqlite3.connect(home / "dagster_home" / "storage" / "history" / "runs.db") as con:
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]


def test_the_demo_is_short_logs_dbt_and_again_with_nothing_new_builds_nothing(demo_home):
    tmp_path, out = demo_home
    assert len(lines(out)) < 80, out
    assert "pipeline_job succeeded" in out and "Headline KPIs" in out and "Traceback" not in out
    [log] = re.findall(r"This command's log \(dbt, Dagster\): (\S+\.log)", out)
    assert Path(log).parent == tmp_path / "logs"
    text = Path(log).read_text()
    assert "Running with dbt=" in text and "START sql" in text  # dbt's progress, kept out of the terminal
    assert "\x1b[" not in text, "no colour codes in the log"
    assert "Running with dbt=" not in out and "START sql" not in out
    passwords = (tmp_path / "demo_users.json").read_text()
    versions, runs = model_versions(tmp_path), dagster_runs(tmp_path)
    assert versions == 1, "the demo trained and registered its champion"

    second = lpss(tmp_path, *DEMO)
    assert second.returncode == 0, second.stdout + second.stderr
    out = second.stdout + second.stderr
    assert len(lines(out)) < 80, out
    assert "Up to date: nothing new since the last build" in " ".join(out.split())
    assert "pipeline_job" not in out and "Headline KPIs" in out and "log (dbt, Dagster)" not in out
    assert model_versions(tmp_path) == versions and dagster_runs(tmp_path) == runs
    assert (tmp_path / "demo_users.json").read_text() == passwords
    assert all(u["password"] for u in json.loads(passwords))

    again = lpss(tmp_path, "run")
    assert again.returncode == 3, again.stdout + again.stderr
    [said] = lines(again.stdout + again.stderr)
    assert said.startswith("Up to date: nothing new since the last build (run ") and "--rebuild" in said


def test_demo_publishes_every_mart_with_plausible_figures(demo_home):
    from tests.test_definitions import EXPECTED_MARTS

    home, out = demo_home
    tables = {
        r[0]
        for r in published(
            home, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
        )
    }
    assert tables >= EXPECTED_MARTS
    for table in sorted(EXPECTED_MARTS):
        assert published(home, f"SELECT count(*) FROM marts.{table}")[0][0] > 0, table
    bands = dict(published(home, "SELECT band, count(*) FROM marts.fct_leader_scorecards GROUP BY 1"))
    assert {"on_track", "needs_development", "intervention"} <= set(bands)
    [(coverage,)] = published(
        home, "SELECT avg(has_ready_now_successor::int) FROM marts.fct_succession_coverage"
    )
    assert 0 < coverage < 1
    cuts = {r[0] for r in published(home, "SELECT DISTINCT cut FROM marts.fct_kpis")}
    assert cuts == {"organisation", "department", "region", "level"}
    assert "Headline KPIs" in out and "Leadership Effectiveness Score" in out


def test_demo_delivers_its_alerts_to_the_local_outbox(demo_home):
    home, out = demo_home
    assert "Alert deliveries by rule" in out
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        planned, delivered, via = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'delivered'), any_value(delivered_via) "
            "FROM ops.alert_deliveries"
        ).fetchone()
    assert planned > 0 and delivered == planned and via == "outbox"
    hr = [json.loads(line) for line in (home / "outbox" / "lpss-hr.jsonl").read_text().splitlines()]
    assert hr and all(record["blocks"] for record in hr)


def test_demo_trains_a_champion_whose_predictions_are_published(demo_home):
    home, out = demo_home
    assert "lpss-readiness v1 (champion)" in out and "rule composite >= 85" in out
    [(versions, scored)] = published(
        home,
        "SELECT count(DISTINCT model_version), count(promotion_probability) "
        "FROM marts.fct_promotion_readiness",
    )
    assert versions == 1 and scored > 0
    assert published(home, "SELECT count(*) FROM marts.fct_readiness_backtest")[0][0] > 0


def test_lpss_mlflow_serves_the_registry_of_the_demo(demo_home):
    home, _ = demo_home
    port = free_port()
    env = {**os.environ, "LPSS_HOME": str(home)}
    env.pop("MLFLOW_TRACKING_URI", None)
    with serving([LPSS, "mlflow", "--port", str(port)], env) as proc:
        api = f"http://127.0.0.1:{port}/api/2.0/mlflow"
        alias = json.loads(
            wait_for(proc, f"{api}/registered-models/alias?name=lpss-readiness&alias=champion", timeout=120)
        )
        assert alias["model_version"]["aliases"] == ["champion"]
        run_id = alias["model_version"]["run_id"]
        run = json.loads(wait_for(proc, f"{api}/runs/get?run_id={run_id}", timeout=10))
        metrics = {m["key"] for m in run["run"]["data"]["metrics"]}
        assert {"val_roc_auc", "rule_val_roc_auc", "oracle_val_roc_auc"} <= metrics


HOLD_OPEN = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("SELECT count(*) FROM marts.fct_leader_scorecards").fetchone()
print("holding", flush=True)
time.sleep(3600)  # killed by the test; outlives the run however slow the machine
"""


def test_lpss_docs_serves_the_dbt_site(demo_home):
    home, _ = demo_home
    port = free_port()
    env = {**os.environ, "LPSS_HOME": str(home)}
    with serving([LPSS, "docs", "--port", str(port)], env) as proc:
        page = wait_for(proc, f"http://127.0.0.1:{port}/index.html", timeout=180)
        assert "dbt" in page.lower()
        catalog = wait_for(proc, f"http://127.0.0.1:{port}/catalog.json", timeout=10)
        assert "fct_leader_scorecards" in catalog


def test_ingesting_again_adds_no_row(demo_home):
    home, _ = demo_home
    before = raw_counts(home)
    result = lpss(home, "ingest")
    assert result.returncode == 0, result.stdout + result.stderr
    assert raw_counts(home) == before


def killed_at(home: Path, marker: str, until=lambda: True) -> subprocess.Popen:
    """`lpss run --verbose` killed (SIGKILL, as a crash) once an output line holds ``marker`` and
    ``until()`` holds."""
    env = {**os.environ, "LPSS_HOME": str(home), "COLUMNS": "200"}
    run = subprocess.Popen(
        [LPSS, "run", "--verbose"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    said = []
    for line in run.stdout:
        said.append(line)
        if marker in line:
            break
    assert marker in said[-1], f"the run ended before {marker!r}:\n" + "".join(said[-40:])
    deadline = time.monotonic() + 120
    while not until() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.poll() is None, "the run ended before it could be killed"
    run.kill()
    run.wait()
    return run


def mlflow_statuses(home: Path) -> list[str]:
    with sqlite3.connect(home / "mlflow.db") as con:
        return [status for (status,) in con.execute("SELECT status FROM runs")]


def test_a_copied_home_killed_mid_run_recovers_on_its_own_and_never_writes_into_the_original(
    demo_home, tmp_path
):
    """The next month in a copy of the demo home: a run killed while dbt builds, the next killed while
    the model trains, the third (with a reader holding the published file) recovers both and
    publishes the month; the original home stays byte-identical throughout."""
    original, _ = demo_home
    home = tmp_path / "copy"
    before = settled_snapshot(original)  # earlier tests' processes may still be closing files there
    shutil.copytree(original, home, symlinks=True)
    docs_before, artifacts_before = files(home / "data_docs"), files(home / "mlartifacts")
    counts = raw_counts(home)
    [(month,)] = published(home, "SELECT max(month) FROM marts.fct_leader_scorecards")
    assert lpss(home, "generate", "--next-month").returncode == 0

    first = killed_at(home, "START sql")  # dbt is building (and keeps running, orphaned)
    training = 'Started execution of step "ml__readiness_model"'
    second = killed_at(home, training, until=lambda: "RUNNING" in mlflow_statuses(home))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(home / "published" / "lpss_marts.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = lpss(home, "run")
        assert holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    recovered = (
        rf"Recovered run \w{{8}} \(pipeline_job\): its process {second.pid} is gone; marked failed, "
        r"its pool slots freed; MLflow run \w+ ended as failed"
    )
    assert re.search(recovered, out), out[:3000]
    assert "RUNNING" not in mlflow_statuses(home)
    assert f"its process {first.pid} is gone" not in out, "the second run recovered the first"

    after = raw_counts(home)
    assert after["hris__employees"] > counts["hris__employees"]  # a new snapshot appended, old one kept
    assert after["hris__goal_attainment"] > counts["hris__goal_attainment"]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ops.ingested_batches").fetchone()[0] == 4
    assert published(home, "SELECT max(month) FROM marts.fct_leader_scorecards")[0][0] > month
    outbox = [line for f in (home / "outbox").glob("*.jsonl") for line in f.read_text().splitlines()]
    claims = [json.loads(line)["claim_id"] for line in outbox]
    assert len(claims) == len(set(claims)), "nothing was sent twice"
    assert not list((home / "published").glob(".*.tmp*"))

    # The copy wrote its Data Docs and MLflow artifacts into itself, and nothing into the original.
    assert snapshot(original) == before
    assert files(home / "data_docs") - docs_before and files(home / "mlartifacts") - artifacts_before
    assert str(original) not in (home / "gx" / "gx" / "great_expectations.yml").read_text()
