"""The bad-input matrix: every defect the generator can inject, run through the whole pipeline.

Each case starts from a good organisation already built and published, lands its next monthly
batch with one defect, and runs `pipeline_job`. It must end with a clear message naming the
entity, column and rows, the batch quarantined with its files and reason, an alert naming the
batch planned for the data channel in ops.alert_deliveries, the published marts byte-for-byte
unchanged and no raw row of the good batches lost. A later, fixed batch then flows normally.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from typer.testing import CliRunner

from lpss_pipeline.alerting.deliveries import pending_summary, planned_for
from lpss_pipeline.alerting.state import read_state
from lpss_pipeline.cli import app
from lpss_pipeline.config import channel
from lpss_pipeline.contract import MANIFEST_NAME
from lpss_pipeline.ingestion.landing import file_sha256
from lpss_pipeline.quality.quarantine import REASON_FILE
from lpss_pipeline.runner import run_job
from lpss_pipeline.settings import Settings
from lpss_pipeline.synthetic.defects import DEFECTS, batch_dir_after, inject_defect
from lpss_pipeline.synthetic.generate import generate_history, generate_next_month
from tests.homes import settings_for, use

# Row-level defects name the rows at fault; file- and batch-level ones cannot.
NO_ROWS = {
    "wrong_delimiter",
    "byte_order_mark",
    "truncated_file",
    "extra_column",
    "missing_column",
    "stale_batch",
    "row_count_collapse",
}


def run(settings: Settings):
    """The whole pipeline; runs are recorded in memory (the Dagster run store is not under test)."""
    return run_job(settings, "pipeline_job", instance=dg.DagsterInstance.ephemeral())


def raw_rows_by_batch(home: Path) -> dict[tuple[str, str], int]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
            ).fetchall()
        ]
        counts = {}
        for table in tables:
            for batch, n in con.execute(
                f'SELECT _batch_id, count(*) FROM raw."{table}" GROUP BY 1'
            ).fetchall():
                counts[(table, batch)] = n
        return counts


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A good organisation, built and published, and its next month's batches kept aside."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("base_home")
    settings = use(mp, settings_for(home)).ensure()
    as_of = date.today() - timedelta(days=31)
    generate_history(settings.landing_dir, settings.truth_dir, employees=300, months=13, as_of=as_of, seed=11)
    outcome = run(settings)
    assert outcome.success, outcome.failures
    spare = tmp_path_factory.mktemp("next_month")
    shutil.copytree(settings.truth_dir, spare / "truth")
    next_batches = {p.parent.name: p for p in generate_next_month(spare / "landing", spare / "truth")}
    mp.undo()
    return home, next_batches


def land(base, tmp_path: Path, system: str) -> tuple[Settings, Path]:
    """A copy of the base home with the next month's ``system`` batch landed (not yet loaded)."""
    home, next_batches = base
    shutil.copytree(home, tmp_path / "home")
    settings = settings_for(tmp_path / "home")
    batch = next_batches[system]
    target = settings.landing_dir / system / batch.name
    shutil.copytree(batch, target)
    return settings, target


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_bad_batch_is_refused_quarantined_announced_and_changes_nothing(base, tmp_path, monkeypatch, name):
    defect = DEFECTS[name]
    settings, batch_dir = land(base, tmp_path, defect.system)
    use(monkeypatch, settings)
    published_before = file_sha256(settings.published_path)
    raw_before = raw_rows_by_batch(settings.home)
    final_dir = batch_dir_after(batch_dir, name, settings.landing_dir)
    inject_defect(batch_dir, name, settings.landing_dir)
    label = f"{defect.system}/{final_dir.name}"

    outcome = run(settings)

    message = "\n".join(outcome.failures)
    assert not outcome.success, f"{name} was not stopped"
    assert label in message, message
    if not defect.batch_level:
        assert defect.entity in message, message
    if defect.column and name not in ("malformed_csv_line", "non_utf8"):
        assert defect.column in message, message
    if name not in NO_ROWS:
        assert " row" in message, message

    quarantine = settings.quarantine_dir / final_dir.name
    reason = json.loads((quarantine / REASON_FILE).read_text())
    assert reason["system"] == defect.system and reason["batch_id"] == final_dir.name
    assert reason["findings"] and all(
        {"entity", "column", "rows", "check"} <= set(f) for f in reason["findings"]
    )
    if not defect.batch_level:
        assert any(f["entity"] == defect.entity for f in reason["findings"]), reason["findings"]
    assert (quarantine / MANIFEST_NAME).exists(), "the bad batch's files are kept in the quarantine"

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        alerts = [a for a in planned_for(con, channel("data")) if label in a["message"]]
        pending, _ = pending_summary(con)
    assert len(alerts) == 1 and alerts[0]["rule_id"] == "missing_data"
    assert read_state(settings.outbox_dir)["pending"] == pending, "the alert sensor must see it at once"

    assert file_sha256(settings.published_path) == published_before, "the published marts changed"
    raw_after = raw_rows_by_batch(settings.home)
    assert {k: raw_after.get(k) for k in raw_before} == raw_before, "rows of good batches were lost"


def test_after_a_quarantine_a_fixed_batch_flows_normally(base, tmp_path, monkeypatch):
    next_batches = base[1]
    settings, batch_dir = land(base, tmp_path, "hris")
    use(monkeypatch, settings)
    inject_defect(batch_dir, "rating_out_of_range", settings.landing_dir)
    assert not run(settings).success

    # The exporter sends the corrected month as a new batch (raw data is append-only); the quarantined one
    # stays where it is and holds nothing up.
    fixed_id = batch_dir.name.replace("T060000Z", "T070000Z")
    fixed = settings.landing_dir / "hris" / fixed_id
    shutil.copytree(next_batches["hris"], fixed)
    manifest = json.loads((fixed / MANIFEST_NAME).read_text())
    (fixed / MANIFEST_NAME).write_text(json.dumps({**manifest, "batch_id": fixed_id}))
    outcome = run(settings)
    assert outcome.success, outcome.failures
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        latest = con.execute("SELECT max(month) FROM marts.fct_leader_scorecards").fetchone()[0]
    assert latest == date.fromisoformat(f"{fixed_id[:7]}-01"), "the fixed month reached the marts"


def build(settings: Settings):
    """The monthly build (no retraining: the readiness model is not what retiring is about)."""
    return run_job(settings, "scorecard_job", instance=dg.DagsterInstance.ephemeral())


def marts_digest(published: Path) -> dict[str, list[tuple]]:
    """The scorecards, KPIs and succession coverage as rows, sorted; floats to 9 places (a sum's last
    bits depend on the order DuckDB's threads add in)."""

    def rounded(row: tuple) -> tuple:
        return tuple(round(v, 9) if isinstance(v, float) else v for v in row)

    with duckdb.connect(str(published), read_only=True) as con:
        return {
            table: sorted(
                (rounded(r) for r in con.execute(f"SELECT * FROM marts.{table}").fetchall()), key=repr
            )
            for table in ("fct_leader_scorecards", "fct_kpis", "fct_succession_coverage")
        }


def test_a_retired_batch_leaves_the_marts_as_if_it_had_never_loaded(base, tmp_path, monkeypatch):
    settings, batch_dir = land(base, tmp_path, "hris")
    use(monkeypatch, settings)
    before = marts_digest(settings.published_path)
    assert build(settings).success
    assert marts_digest(settings.published_path) != before, "the new month changed the marts"

    retired = CliRunner().invoke(
        app, ["batches", "retire", batch_dir.name, "--reason", "sent from the test tenant"]
    )
    assert retired.exit_code == 0, retired.output
    assert build(settings).success
    after = marts_digest(settings.published_path)
    for table, rows in before.items():
        differing = set(rows) ^ set(after[table])
        assert not differing, (table, sorted(differing, key=repr)[:4])
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        kept = con.execute("SELECT count(*) FROM raw.hris__employees WHERE _batch_id = ?", [batch_dir.name])
        assert kept.fetchone()[0] > 0, "raw keeps the retired batch's rows"
