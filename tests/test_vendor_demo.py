"""`lpss demo --source bamboohr`: the demo organisation's HRIS batch written as BambooHR exports it,
mapped on the way in, publishes the same scorecards, KPIs and coverage as the contract-shaped demo
of the same seed (tests/demo_home.py; test_vendor_round_trip.py proves every HRIS preset at the raw
level)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.demo_home import DEMO, lpss

# The published marts the round trip must reproduce, by their keys.
ROUND_TRIP = {
    "fct_leader_scorecards": ("employee_id", "month"),
    "fct_scorecard_metrics": ("employee_id", "month", "metric_id"),
    "fct_kpis": ("period_start", "cadence", "kpi_id", "cut", "cut_value"),
    "fct_succession_coverage": ("quarter", "position_id"),
}


@pytest.fixture(scope="module")
def homes(tmp_path_factory, request) -> tuple[Path, Path, str]:
    """The vendor's demo first: by then the contract-shaped one, shared, is built (or being built on the
    other xdist worker), so neither worker waits for the other."""
    vendor = tmp_path_factory.mktemp("vendor_demo")
    built = lpss(vendor, *DEMO, "--source", "bamboohr")
    assert built.returncode == 0, built.stdout + built.stderr
    contract, _ = request.getfixturevalue("demo_home")
    return contract, vendor, built.stdout


def test_the_demo_through_a_vendor_preset_publishes_the_same_marts(homes):
    contract, vendor, out = homes
    assert "wrote batch bamboohr/2026-06-15T060000Z" in out and "pipeline_job succeeded" in out
    assert (
        (vendor / "config" / "mappings" / "bamboohr.yaml").read_text().startswith("# The demo organisation's")
    )
    with duckdb.connect(str(contract / "published" / "lpss_marts.duckdb"), read_only=True) as con:
        con.execute(f"ATTACH '{vendor / 'published' / 'lpss_marts.duckdb'}' AS vendor (READ_ONLY)")
        for table, key in ROUND_TRIP.items():
            columns = con.execute(f"DESCRIBE marts.{table}").fetchall()
            differs = " OR ".join(
                f"abs(a.{c} - b.{c}) > 1e-9 OR (a.{c} IS NULL) <> (b.{c} IS NULL)"
                if kind == "DOUBLE"  # DuckDB's parallel sums may differ in the last bits
                else f"a.{c} IS DISTINCT FROM b.{c}"
                for c, kind, *_ in columns
            )
            joined = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in key)
            rows, different = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE {differs}) "
                f"FROM marts.{table} a FULL JOIN vendor.marts.{table} b ON {joined}"
            ).fetchone()
            assert rows > 0 and different == 0, (table, rows, different)


def test_the_vendor_demo_keeps_the_vendor_files_and_traces_rows_to_them(homes):
    _, vendor, _ = homes
    assert (vendor / "landing" / "bamboohr" / "2026-06-15T060000Z" / "employee_report.csv").exists()
    with duckdb.connect(str(vendor / "warehouse.duckdb"), read_only=True) as con:
        traced = con.execute(
            "SELECT count(*) = count(_vendor_file), min(_vendor_file) FROM raw.hris__employees"
        ).fetchone()
    assert traced == (True, "bamboohr/2026-06-15T060000Z/employee_report.csv")
