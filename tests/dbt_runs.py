"""dbt commands of the project run by the tests: the project built on empty inputs (a scratch warehouse
holding the raw tables and the shipped configuration, every model built with ``dbt run --empty``),
enough for what needs only the relations and their columns; and dbt's unit tests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb

from lpss_pipeline.assets.dbt import DBT_EXECUTABLE
from lpss_pipeline.settings import DBT_PROJECT_DIR


def dbt(target: Path, *args: str, env: dict[str, str]) -> None:
    """A dbt command of the project, its artifacts in ``target``, with ``env`` over this process's; it
    must succeed (its output's end is the failure's message)."""
    run = subprocess.run(
        [DBT_EXECUTABLE, *args, "--target-path", str(target)],
        cwd=DBT_PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def build_empty(scratch: Path) -> Path:
    """The warehouse of ``scratch`` with every model built on empty inputs; its path."""
    from lpss_pipeline.config.tables import write_tables
    from lpss_pipeline.config.validate import validated_configuration
    from lpss_pipeline.ingestion.loader import ensure_raw_schema

    warehouse = scratch / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        write_tables(con, validated_configuration(scratch / "no-config"))  # the shipped defaults
    dbt(scratch / "target", "run", "--empty", env={"LPSS_WAREHOUSE_PATH": str(warehouse)})
    return warehouse


def assert_every_unit_test_passes(target: Path, env: dict[str, str]) -> None:
    """``dbt test --select test_type:unit`` over relations already built: each declared unit test ran
    and passed."""
    dbt(target, "test", "--select", "test_type:unit", env=env)
    declared = json.loads((target / "manifest.json").read_text())["unit_tests"]
    results = json.loads((target / "run_results.json").read_text())["results"]
    passed = {r["unique_id"] for r in results if r["status"] == "pass"}
    assert len(declared) > 20 and passed == set(declared), sorted(set(declared) - passed)
