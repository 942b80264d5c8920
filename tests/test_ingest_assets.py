"""The raw assets materialize through Dagster, and the sensor launches only for new batches."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from lpss_pipeline.assets.ingest import ingest_assets
from lpss_pipeline.contract import entities_of
from lpss_pipeline.resources import file_resources
from lpss_pipeline.sensors import export_batch_sensor
from lpss_pipeline.settings import Settings
from tests.contract_rows import write_valid_batch

BATCH = "2026-03-01T060000Z"


@pytest.fixture
def resources(tmp_path):
    return file_resources(Settings(home=tmp_path, landing_dir=tmp_path / "landing"))


def landing_of(resources):
    return resources["landing"].landing_path


def test_materialize_loads_batches_and_reports_rows(resources):
    write_valid_batch(landing_of(resources), "hris", BATCH, rows=3)
    write_valid_batch(landing_of(resources), "crm", BATCH, rows=2)
    result = dg.materialize(ingest_assets, resources=resources, instance=dg.DagsterInstance.ephemeral())
    assert result.success
    metadata = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert metadata["raw/hris/employees"]["rows_added"].value == 3
    assert metadata["raw/crm/team_revenue"]["dagster/row_count"].value == 2

    again = dg.materialize(ingest_assets, resources=resources, instance=dg.DagsterInstance.ephemeral())
    rows = {
        e.asset_key.to_user_string(): e.materialization.metadata["rows_added"].value
        for e in again.get_asset_materialization_events()
    }
    assert set(rows.values()) == {0}


def test_refused_batch_fails_the_run_with_the_reason(resources):
    batch = write_valid_batch(landing_of(resources), "hris", BATCH)
    (batch / "positions.csv").write_text("position_id\n")
    result = dg.materialize(
        ingest_assets, resources=resources, instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert f"hris/{BATCH}/positions.csv" in description and "sha256" in description
    with duckdb.connect(resources["warehouse"].path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.hris__employees").fetchone()[0] == 0


def test_sensor_launches_for_a_new_batch_and_skips_a_loaded_one(resources):
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(instance=instance, resources=resources)
    assert isinstance(export_batch_sensor(context), dg.SkipReason)

    write_valid_batch(landing_of(resources), "hris", BATCH)
    [request] = list(export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources)))
    assert request.asset_selection == [dg.AssetKey(e.asset_key) for e in entities_of("hris")]
    assert request.tags["lpss/batches"] == BATCH

    dg.materialize(ingest_assets, resources=resources, instance=instance)
    skipped = export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert isinstance(skipped, dg.SkipReason)
