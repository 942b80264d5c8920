"""dbt's unit tests (the scorecard arithmetic, carrying values forward, the succession and alert
rules): a scheduled build leaves them out (lpss_pipeline/assets/dbt.py, BUILD), so every one runs here,
on DuckDB, over the project built on empty inputs (a unit test needs only its inputs' columns).
tests/test_spark_equality.py runs them on Spark."""

from __future__ import annotations

from tests.dbt_runs import assert_every_unit_test_passes, build_empty


def test_every_dbt_unit_test_passes(tmp_path):
    warehouse = build_empty(tmp_path)
    assert_every_unit_test_passes(tmp_path / "unit", {"LPSS_WAREHOUSE_PATH": str(warehouse)})
