"""A vendor batch lands, the sensor sees it, Dagster maps it upstream of the raw assets and loads it
with its lineage; a broken one is refused whole and quarantined; `lpss check` touches nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from lpss_pipeline.assets.ingest import build_ingest_assets
from lpss_pipeline.assets.mapping import build_mapping_asset, source_key
from lpss_pipeline.contract import entities_of
from lpss_pipeline.resources import file_resources
from lpss_pipeline.sensors import export_batch_sensor
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.generate import generate_history
from lpss_pipeline.synthetic.vendor_export import demo_mapping, export_as

LPSS = str(Path(sys.executable).with_name("lpss"))
SOURCE = "bamboohr"
LATER = "2026-06-16T060000Z"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """A home whose landing zone holds the small demo organisation's HRIS batch as BambooHR exports it."""
    home = tmp_path_factory.mktemp("vendor_home")
    paths = generate_history(
        home / "landing", home / "synthetic_truth", employees=60, months=4, as_of=date(2026, 6, 15), seed=5
    )
    for path in paths:
        if path.parent.name == "hris":
            export_as(SOURCE, path, home / "landing")
        else:
            shutil.rmtree(path)  # CRM stays out: this module is about the HRIS source
    mapping = home / "config" / "mappings" / f"{SOURCE}.yaml"
    mapping.parent.mkdir(parents=True)
    mapping.write_text(demo_mapping(SOURCE))
    return home


@pytest.fixture
def resources(home, monkeypatch):
    monkeypatch.delenv("LPSS_CONFIG_DIR", raising=False)
    monkeypatch.setenv("LPSS_HOME", str(home))
    return file_resources(Settings(home=home, landing_dir=home / "landing"))


def assets(home: Path) -> list[dg.AssetsDefinition]:
    mapping = build_mapping_asset(SOURCE, home / "config" / "mappings" / f"{SOURCE}.yaml")
    return [mapping, build_ingest_assets("hris", (source_key(SOURCE),))]


def raw_count(home: Path) -> int:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute("SELECT count(*) FROM raw.hris__employees").fetchone()[0]


def tree_digest(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_sensor_launches_the_source_with_its_system_then_skips(home, resources):
    instance = dg.DagsterInstance.ephemeral()
    [request] = list(export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources)))
    assert request.asset_selection == [
        source_key(SOURCE),
        *(dg.AssetKey(e.asset_key) for e in entities_of("hris")),
    ]
    assert request.tags["lpss/batches"] == f"{SOURCE}/2026-06-15T060000Z"

    result = dg.materialize(assets(home), resources=resources, instance=instance)
    assert result.success
    assert isinstance(
        export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources)), dg.SkipReason
    )
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        files, lines, rows = con.execute(
            "SELECT list(DISTINCT _vendor_file), min(CAST(_vendor_lines AS INTEGER)), count(*) "
            "FROM raw.hris__employees"
        ).fetchone()
        assert files == [f"{SOURCE}/2026-06-15T060000Z/employee_report.csv"] and lines == 2 and rows > 60
        goals = con.execute("SELECT min(_vendor_file) FROM raw.hris__goal_attainment").fetchone()[0]
        assert goals == f"{SOURCE}/2026-06-15T060000Z/goal_attainment.csv"
    manifest = (home / "landing" / "hris" / "2026-06-15T060000Z" / "_manifest.json").read_text()
    assert f'"folder": "{SOURCE}/2026-06-15T060000Z"' in manifest
    assert (home / "landing" / SOURCE / "2026-06-15T060000Z" / "employee_report.csv").exists()  # kept


def test_a_broken_vendor_batch_is_refused_whole_quarantined_and_alerted(home, resources):
    before = raw_count(home)
    broken = home / "landing" / SOURCE / LATER
    shutil.copytree(home / "landing" / SOURCE / "2026-06-15T060000Z", broken)
    report = broken / "employee_report.csv"
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[5], '"31.12.2020"', 1)  # line 3: Hire Date
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = dg.materialize(
        assets(home), resources=resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert (
        f"{SOURCE}/{LATER}/employee_report.csv row 3, column Hire Date: '31.12.2020' is not a date "
        "(MM/DD/YYYY) (rule for employees.hire_date)" in description
    )
    assert "Traceback" not in description
    assert raw_count(home) == before
    assert not (home / "landing" / "hris" / LATER).exists()
    assert (home / "quarantine" / LATER / "employee_report.csv").exists()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT stage FROM ops.quarantined_batches WHERE system = ? AND batch_id = ?", [SOURCE, LATER]
        ).fetchall() == [("mapping",)]
        alert = con.execute(
            "SELECT count(*) FROM ops.alert_deliveries WHERE alert_key LIKE ?",
            [f"missing_data:{SOURCE}/{LATER}%"],
        ).fetchone()[0]
        assert alert == 1


def test_an_identical_re_export_is_unchanged_and_skipped_quietly(home, resources):
    before = raw_count(home)
    again = "2026-06-17T060000Z"
    shutil.copytree(home / "landing" / SOURCE / "2026-06-15T060000Z", home / "landing" / SOURCE / again)
    result = dg.materialize(assets(home), resources=resources, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    assert raw_count(home) == before
    assert not (home / "landing" / "hris" / again).exists()
    receipt = json.loads((home / "receipts" / SOURCE / f"{again}.json").read_text())
    assert receipt["status"] == "unchanged" and receipt["same_as"] == "2026-06-15T060000Z"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT system, batch_id, same_as FROM ops.unchanged_batches").fetchall() == [
            ("hris", again, "2026-06-15T060000Z")
        ]
        assert not con.execute("SELECT * FROM ops.quarantined_batches WHERE batch_id = ?", [again]).fetchall()
        assert not con.execute(
            "SELECT * FROM ops.alert_deliveries WHERE alert_key LIKE ?", [f"%{again}%"]
        ).fetchall()


def run_check(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LPSS_HOME": str(home), "COLUMNS": "250"}
    env.pop("LPSS_CONFIG_DIR", None)
    return subprocess.run([LPSS, "check", *args], env=env, capture_output=True, text=True, timeout=300)


def test_lpss_check_is_a_dry_run_that_changes_nothing(home, resources):
    if not (home / "warehouse.duckdb").exists():
        dg.materialize(assets(home), resources=resources, instance=dg.DagsterInstance.ephemeral())
    watched = [home / name for name in ("landing", "quarantine", "outbox", "receipts")]
    before = tree_digest(*watched) | {
        "warehouse": hashlib.sha256((home / "warehouse.duckdb").read_bytes()).hexdigest()
    }

    good = run_check(home, str(home / "landing" / SOURCE / "2026-06-15T060000Z"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Would load" in good.stdout and "employees" in good.stdout and "Traceback" not in good.stdout

    bad = home / "scratch" / SOURCE / "2026-06-17T060000Z"
    shutil.copytree(home / "landing" / SOURCE / "2026-06-15T060000Z", bad)
    (bad / "promotions.csv").write_text(
        "employee_id,effective_date,from_level,to_level,position_id\nE1,soon,1,2,\n"
    )
    refused = run_check(home, str(bad), "--source", SOURCE)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert (
        f"{SOURCE}/2026-06-17T060000Z/promotions.csv row 2, column effective_date: 'soon' is not a date"
        in (" ".join(refused.stdout.split()))
    )
    assert "Would be refused" in refused.stdout and "Traceback" not in refused.stdout + refused.stderr

    after = tree_digest(*watched) | {
        "warehouse": hashlib.sha256((home / "warehouse.duckdb").read_bytes()).hexdigest()
    }
    assert after == before


def test_a_mistake_in_the_mapping_file_stops_the_run_without_touching_the_batch(home, resources, tmp_path):
    path = tmp_path / f"{SOURCE}.yaml"
    path.write_text("extends: bamboohr\nentities:\n  employees:\n    columns:\n      job_title: null\n")
    broken = [build_mapping_asset(SOURCE, path)]
    later = home / "landing" / SOURCE / "2026-06-18T060000Z"
    shutil.copytree(home / "landing" / SOURCE / "2026-06-15T060000Z", later)
    result = dg.materialize(
        broken, resources=resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    [failure] = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert (
        "entities.employees.columns: no expression for required contract column(s) ['job_title']"
        in description
    )
    assert not (home / "quarantine" / "2026-06-18T060000Z").exists()
    assert not (home / "receipts" / SOURCE / "2026-06-18T060000Z.json").exists()
    shutil.rmtree(later)


def test_the_source_stands_upstream_of_its_systems_raw_assets_in_the_code_location(home, resources):
    from lpss_pipeline.definitions import build_defs

    graph = build_defs(Settings(home=home, landing_dir=home / "landing")).resolve_asset_graph()
    source = graph.get(source_key(SOURCE))
    assert source.group_name == "sources"
    for e in entities_of("hris"):
        assert source_key(SOURCE) in graph.get(dg.AssetKey(e.asset_key)).parent_keys
    assert source_key(SOURCE) not in graph.get(dg.AssetKey(["raw", "crm", "team_revenue"])).parent_keys


def test_a_broken_mapping_file_with_a_batch_waiting_runs_its_source_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("LPSS_CONFIG_DIR", raising=False)
    (tmp_path / "landing" / "acme" / "2026-11-30").mkdir(parents=True)
    (tmp_path / "config" / "mappings").mkdir(parents=True)
    (tmp_path / "config" / "mappings" / "acme.yaml").write_text("system: hris\nfiles: {}\n")
    resources = file_resources(Settings(home=tmp_path, landing_dir=tmp_path / "landing"))
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources=resources)
    [request] = list(export_batch_sensor(context))
    assert request.asset_selection == [source_key("acme")] and request.run_key.startswith("acme:mapping:")
