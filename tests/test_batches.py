"""Batches over time: untracked entities may be absent, an unchanged re-export is skipped quietly,
`lpss batches` lists what became of every batch, and `lpss batches retire` takes one out of the marts."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from lpss_pipeline.alerting.deliveries import planned_for
from lpss_pipeline.assets.ingest import build_ingest_assets, ingest_assets
from lpss_pipeline.assets.mapping import build_mapping_asset, source_key
from lpss_pipeline.cli import app
from lpss_pipeline.config import channel
from lpss_pipeline.console import console
from lpss_pipeline.contract import MANIFEST_NAME, entity
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.quality.batch_frames import GOOD, BatchRef, previous_rows
from lpss_pipeline.quality.quarantine import latest_good_batch
from lpss_pipeline.resources import file_resources
from lpss_pipeline.sensors import export_batch_sensor
from lpss_pipeline.summary import summarize
from tests.contract_rows import write_valid_batch
from tests.homes import settings_for, use
from tests.vendor_fixtures import FIXTURES, batch_folder

FIRST, SECOND, THIRD, FOURTH = (f"2026-0{m}-01T060000Z" for m in (1, 2, 3, 4))


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for name in ("LPSS_CONFIG_DIR", "LPSS_LANDING_DIR", "LPSS_USER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(console, "_width", 300)  # the CLI's tables unwrapped
    return use(monkeypatch, settings_for(tmp_path / "home")).ensure()


def untrack(settings, system: str, name: str) -> None:
    config = settings.config_dir
    config.mkdir(parents=True, exist_ok=True)
    (config / "tracked_entities.csv").write_text(
        f"system,entity,tracked,note\n{system},{name},false,not exported by our HRIS\n"
    )


def drop_entity(batch_dir, name: str) -> None:
    """The batch as an exporter that does not know the entity writes it: no file, no manifest entry."""
    (batch_dir / f"{name}.csv").unlink()
    manifest = json.loads((batch_dir / MANIFEST_NAME).read_text())
    del manifest["files"][name]
    (batch_dir / MANIFEST_NAME).write_text(json.dumps(manifest))


def materialize(settings, instance=None):
    return dg.materialize(
        ingest_assets,
        resources=file_resources(settings),
        instance=instance or dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def metadata(result, key: str) -> dict:
    return {
        e.asset_key.to_user_string(): {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }[key]


def warehouse(settings, read_only=True):
    return duckdb.connect(str(settings.warehouse_path), read_only=read_only)


def ingest(settings):
    with warehouse(settings, read_only=False) as con:
        return load_pending(
            con,
            settings.landing_dir,
            settings.receipts_dir,
            file_resources(settings)["quality"].quarantine,
            config_dir=settings.config_dir,
        )


def lpss(*args: str, user: str | None = None):
    return CliRunner().invoke(app, list(args), env={"LPSS_USER": user} if user else {})


def listed(output: str) -> dict[tuple[str, str], list[str]]:
    """`lpss batches`' table: (system, batch) -> state, loaded at, rows, note."""
    rows = [[c.strip() for c in line[1:-1].split("│")] for line in output.splitlines() if line[:1] == "│"]
    return {(cells[0], cells[1]): cells[2:] for cells in rows}


# A. Untracked entities may be absent


def test_an_untracked_snapshot_may_be_absent_and_its_file_is_not_loaded(settings):
    untrack(settings, "hris", "positions")
    drop_entity(write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3), "positions")
    write_valid_batch(settings.landing_dir, "hris", SECOND, rows=3, offset=1)  # positions present
    result = materialize(settings)
    assert result.success
    notes = metadata(result, "raw/hris/employees")["notes"]
    assert f"hris/{SECOND}/positions.csv: hris/positions is not tracked (tracked_entities.csv)" in notes
    assert FIRST not in notes, "an absent untracked entity needs no note"
    with warehouse(settings) as con:
        assert con.execute("SELECT count(*) FROM raw.hris__positions").fetchone()[0] == 0
        assert con.execute("SELECT count(DISTINCT _batch_id) FROM raw.hris__employees").fetchone()[0] == 2
    receipt = json.loads((settings.receipts_dir / "hris" / f"{SECOND}.json").read_text())
    assert receipt["status"] == "loaded" and "not tracked" in receipt["notes"][0]


def test_an_untracked_snapshot_may_be_present_and_empty(settings):
    untrack(settings, "hris", "positions")
    batch = write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3)
    header = (batch / "positions.csv").read_bytes().split(b"\n")[0] + b"\n"
    (batch / "positions.csv").write_bytes(header)  # and the manifest still says 3 rows and another sha
    [result] = ingest(settings).results
    assert result.status == "loaded", result.error
    assert [f.check for f in result.notes] == ["untracked_entity"]


def test_a_tracked_snapshot_that_is_missing_is_refused_saying_how_to_stop_tracking_it(settings):
    batch = write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3)
    drop_entity(batch, "positions")
    drop_entity(batch, "employees")
    [result] = ingest(settings).results
    assert result.status == "refused"
    message = str(result.error)
    assert "snapshot entity 'positions' is missing" in message
    assert "set tracked to false for hris,positions in tracked_entities.csv" in message
    assert (
        "snapshot entity 'employees' is missing; every batch must carry the full state (hris/employees is "
        "required)" in message
    )


def test_missing_entities_fall_back_to_the_previous_batch_for_the_row_count_check(settings):
    write_valid_batch(settings.landing_dir, "hris", FIRST, rows=5)
    ingest(settings)
    untrack(settings, "hris", "positions")
    drop_entity(write_valid_batch(settings.landing_dir, "hris", SECOND, rows=4, offset=1), "positions")
    assert [r.status for r in ingest(settings).results] == ["already_loaded", "loaded"]
    with warehouse(settings) as con:
        # the collapse check of a later batch compares positions with the last batch that carried them
        assert previous_rows(con, entity("hris", "positions"), BatchRef("hris", THIRD)) == 5
        assert previous_rows(con, entity("hris", "employees"), BatchRef("hris", THIRD)) == 4


# B. Unchanged re-exports


def test_an_identical_re_export_is_unchanged_skipped_quietly_and_not_relaunched(settings):
    write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3)
    instance = dg.DagsterInstance.ephemeral()
    assert materialize(settings, instance).success
    write_valid_batch(settings.landing_dir, "hris", SECOND, rows=3)  # the same files, a new batch id
    resources = file_resources(settings)
    [request] = list(export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources)))
    assert request.tags["lpss/batches"] == SECOND

    result = materialize(settings, instance)
    assert result.success
    assert metadata(result, "raw/hris/employees")["batches_unchanged"] == f"{SECOND} (same as {FIRST})"
    with warehouse(settings) as con:
        assert con.execute("SELECT system, batch_id, same_as FROM ops.unchanged_batches").fetchall() == [
            ("hris", SECOND, FIRST)
        ]
        assert con.execute("SELECT count(*) FROM ops.quarantined_batches").fetchone()[0] == 0
        assert (
            con.execute("SELECT count(*) FROM raw.hris__employees WHERE _batch_id = ?", [SECOND]).fetchone()[
                0
            ]
            == 0
        )
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert "alert_deliveries" not in tables or not planned_for(con, channel("data")), "no alert"
    assert not any(settings.outbox_dir.iterdir()), "no alert in the outbox"
    assert not any(settings.quarantine_dir.iterdir()), "nothing quarantined"
    receipt = json.loads((settings.receipts_dir / "hris" / f"{SECOND}.json").read_text())
    assert (receipt["status"], receipt["same_as"]) == ("unchanged", FIRST)
    skipped = export_batch_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert isinstance(skipped, dg.SkipReason), "the sensor must not relaunch an unchanged batch"
    assert [r.status for r in ingest(settings).results] == ["already_loaded", "unchanged"]


def test_only_a_copy_of_the_latest_good_batch_is_unchanged(settings):
    write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3)
    write_valid_batch(settings.landing_dir, "hris", SECOND, rows=3, offset=1)
    ingest(settings)
    write_valid_batch(settings.landing_dir, "hris", THIRD, rows=3)  # a copy of FIRST, not the latest
    [result] = ingest(settings).of("refused")
    assert result.batch.batch_id == THIRD
    assert f"byte-identical to batch hris/{FIRST}, loaded before: a re-delivery of an older export" in str(
        result.error
    )


# C. and D. `lpss batches` and `lpss batches retire`


def test_retiring_takes_a_batch_out_of_what_staging_reads_and_keeps_its_rows(settings):
    write_valid_batch(settings.landing_dir, "hris", FIRST, rows=5)
    write_valid_batch(settings.landing_dir, "hris", SECOND, rows=2, offset=1)
    ingest(settings)

    out = lpss("batches", "retire", SECOND, "--reason", "exported from the test tenant", user="alice")
    assert out.exit_code == 0, out.output
    assert f"Retired hris/{SECOND}" in out.output and f"hris/{FIRST}" in out.output
    with warehouse(settings) as con:
        stage, by_user, reason, when = con.execute(
            "SELECT stage, by_user, reason, quarantined_at FROM ops.quarantined_batches WHERE batch_id = ?",
            [SECOND],
        ).fetchone()
        assert (stage, by_user, reason) == ("retired", "alice", "exported from the test tenant") and when
        assert (
            con.execute("SELECT count(*) FROM raw.hris__employees WHERE _batch_id = ?", [SECOND]).fetchone()[
                0
            ]
            == 2
        ), "raw keeps a retired batch's rows"
        # what staging reads (the stage() macro and the checks skip the same ledger)
        good = con.execute(
            f"SELECT DISTINCT _batch_id FROM raw.hris__employees WHERE {GOOD}", {"system": "hris"}
        ).fetchall()
        assert good == [(FIRST,)]
        assert latest_good_batch(con, "hris") == FIRST
        # the row-count collapse check of the next batch compares with the previous good batch
        assert previous_rows(con, entity("hris", "employees"), BatchRef("hris", THIRD)) == 5

    write_valid_batch(settings.landing_dir, "hris", THIRD, rows=2, offset=1)  # a copy of the retired one
    write_valid_batch(settings.landing_dir, "hris", FOURTH, rows=5)  # a copy of FIRST, the latest good
    results = {r.batch.batch_id: r for r in ingest(settings).results}
    assert results[SECOND].status == "retired", "a retired batch is not loaded again"
    assert results[THIRD].status == "refused"
    assert f"hris/{SECOND}, loaded before (retired since)" in str(results[THIRD].error)
    assert (results[FOURTH].status, results[FOURTH].same_as) == ("unchanged", FIRST)

    again = lpss("batches", "retire", SECOND, "--reason", "twice", user="bob")
    assert again.exit_code == 0
    assert f"hris/{SECOND} is already retired (by alice" in again.output and "nothing changed" in again.output
    with warehouse(settings) as con:
        assert (
            con.execute("SELECT count(*) FROM ops.quarantined_batches WHERE stage = 'retired'").fetchone()[0]
            == 1
        )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2025-12-01T060000Z"], "no loaded batch 2025-12-01T060000Z"),
        ([SECOND], f"hris/{SECOND} was refused and quarantined at ingest, never loaded: only a loaded batch"),
        ([THIRD], f"hris/{THIRD} was unchanged (a copy of hris/{FIRST}), nothing of it loaded"),
        ([FIRST], f"batch {FIRST} was loaded for crm and hris: say which with --system"),
        ([FIRST, "--system", "payroll"], "--system must be one of hris, crm, not 'payroll'"),
        ([FIRST, "--reason", " "], "give the reason for retiring the batch (--reason)"),
    ],
)
def test_retire_errors_are_one_line_with_exit_2(settings, args, expected):
    write_valid_batch(settings.landing_dir, "hris", FIRST, rows=3)
    write_valid_batch(settings.landing_dir, "crm", FIRST, rows=3)
    (write_valid_batch(settings.landing_dir, "hris", SECOND, rows=3, offset=1) / "employees.csv").write_text(
        ""
    )
    write_valid_batch(settings.landing_dir, "hris", THIRD, rows=3)
    ingest(settings)
    if "--reason" not in args:
        args = [*args, "--reason", "a test"]
    out = lpss("batches", "retire", *args)
    assert out.exit_code == 2, out.output
    assert isinstance(out.exception, SystemExit) and "Traceback" not in out.output
    assert out.output.strip() == expected or out.output.strip().startswith(expected), out.output
    assert len(out.output.strip().splitlines()) == 1, out.output


def test_lpss_batches_lists_every_state(settings):
    landing = settings.landing_dir
    write_valid_batch(landing, "hris", FIRST, rows=4)
    write_valid_batch(landing, "crm", FIRST, rows=2)
    write_valid_batch(landing, "hris", SECOND, rows=3, offset=1)
    write_valid_batch(landing, "hris", THIRD, rows=3, offset=1)  # a copy of SECOND
    (write_valid_batch(landing, "crm", THIRD, rows=2, offset=5) / "team_revenue.csv").write_text("")
    ingest(settings)
    assert lpss("batches", "retire", SECOND, "--reason", "wrong tenant", user="carol").exit_code == 0
    write_valid_batch(landing, "hris", FOURTH, rows=3, offset=3)  # landed, not ingested yet
    shutil.copytree(landing / "hris" / FOURTH, landing / "hris" / "2026-05-01T060000Z")
    (landing / "hris" / "2026-05-01T060000Z" / MANIFEST_NAME).unlink()  # incomplete: not a batch yet

    out = lpss("batches")
    assert out.exit_code == 0, out.output
    lines = listed(out.output)
    assert lines[("hris", FIRST)][0] == "loaded" and lines[("hris", FIRST)][2] == str(16 * 4)
    assert lines[("crm", FIRST)][0] == "loaded"
    assert lines[("hris", SECOND)][0] == "retired" and lines[("hris", SECOND)][2] == str(16 * 3)
    assert lines[("hris", SECOND)][3].startswith("by carol") and "wrong tenant" in lines[("hris", SECOND)][3]
    assert lines[("hris", THIRD)][0] == "unchanged" and f"hris/{SECOND}" in lines[("hris", THIRD)][3]
    assert lines[("crm", THIRD)][0] == "quarantined" and lines[("crm", THIRD)][3].startswith("ingest ")
    assert "team_revenue.csv" in lines[("crm", THIRD)][3]
    assert lines[("hris", FOURTH)][0] == "pending"
    assert ("hris", "2026-05-01T060000Z") not in lines
    assert "2 loaded, 1 unchanged, 1 pending, 1 quarantined, 1 retired" in out.output

    assert {system for system, _ in listed(lpss("batches", "--system", "crm").output)} == {"crm"}
    status = {(system, batch): state for system, batch, state, _, _ in summarize(settings).batches}
    assert (status[("hris", SECOND)], status[("hris", THIRD)]) == ("retired", "unchanged")  # `lpss status`


def test_a_vendor_mapping_without_positions_loads_when_they_are_untracked(settings):
    """BambooHR's preset maps employees and departments only: the other snapshots must be untracked."""
    folder = batch_folder("bamboohr")
    shutil.copytree(folder, settings.landing_dir / "bamboohr" / folder.name)
    mapping = settings.config_dir / "mappings" / "bamboohr.yaml"
    mapping.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "bamboohr" / "mapping.yaml", mapping)
    assets = [
        build_mapping_asset("bamboohr", mapping),
        build_ingest_assets("hris", (source_key("bamboohr"),)),
    ]

    def run():
        return dg.materialize(
            assets,
            resources=file_resources(settings),
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )

    refused = run()
    assert not refused.success
    [failure] = [e for e in refused.all_events if e.is_step_failure]
    message = failure.step_failure_data.user_failure_data.description
    assert "snapshot entity 'positions' is missing" in message and "tracked_entities.csv" in message

    (settings.config_dir / "tracked_entities.csv").write_text(
        "system,entity,tracked,note\n"
        + "".join(
            f"hris,{name},false,\n" for name in ("positions", "succession_nominations", "mentor_assignments")
        )
    )
    later = settings.landing_dir / "bamboohr" / "2026-12-01T060000Z"  # the next day's report
    shutil.copytree(folder, later)
    assert run().success
    with warehouse(settings) as con:
        assert con.execute("SELECT DISTINCT _batch_id FROM raw.hris__employees").fetchall() == [(later.name,)]

    states = listed(lpss("batches").output)
    assert states[("bamboohr", later.name)][0] == "mapped"
    assert states[("bamboohr", later.name)][3] == f"into hris/{later.name}"
    assert states[("hris", later.name)][0] == "loaded"
    assert states[("hris", folder.name)][0] == "quarantined", "the first contract batch was refused"
    assert states[("bamboohr", folder.name)][0] == "mapped"
