"""A quiet `lpss` (issue 19, item 4): a usage mistake is one line and exit 2; `lpss run` with nothing
to load says so at once; when a build is due; the demo accounts keep their passwords. The demo's own
output, and a second demo that builds nothing, are checked on the demo home (tests/test_demo.py)."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from lpss_pipeline.cli import app
from tests.demo_home import lpss
from tests.homes import settings_for, use
from tests.test_demo import lines

MISTAKES = {
    ("generate", "--employees", "0"): "--employees",
    ("generate", "--months", "0"): "--months",
    ("generate", "--as-of", "2026-13-45"): "'2026-13-45' is not a date: use YYYY-MM-DD",
    ("generate", "--format", "xlsx"): "'xlsx' is not an export format: use csv or parquet",
    ("generate", "--source", "nope"): "'nope' is not an HRIS preset: use one of bamboohr",
    ("generate", "--source", "bamboohr", "--format", "parquet"): "--format is for contract batches",
    ("generate", "--next-month"): "No demo organisation to continue",
    ("demo", "--employees", "7"): "--employees",
    ("demo", "--as-of", "tomorrow"): "is not a date",
    ("ui", "--port", "0"): "--port",
    ("alerts", "--limit", "-1"): "--limit",
    ("status", "--bad"): "No such option: --bad",
    ("nosuch",): "No such command 'nosuch'",
}


@pytest.mark.parametrize("args", list(MISTAKES), ids=" ".join)
def test_a_usage_mistake_is_one_line_and_exit_2(args, tmp_path, monkeypatch):
    use(monkeypatch, settings_for(tmp_path / "home"))
    for name in ("LPSS_LANDING_DIR", "LPSS_CONFIG_DIR", "LPSS_DUCKDB_MEMORY_LIMIT"):
        monkeypatch.delenv(name, raising=False)  # restored after: the command may export them
    result = CliRunner().invoke(app, list(args), prog_name="lpss")
    said = lines(result.output)
    assert result.exit_code == 2, result.output
    assert len(said) == 1 and MISTAKES[args] in said[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "home" / "landing").exists() or not any((tmp_path / "home" / "landing").iterdir())


def test_the_installed_command_says_a_mistake_in_one_line_and_run_with_nothing_to_load_stops_at_once(
    tmp_path,
):
    result = lpss(tmp_path, "generate", "--as-of", "2026-13-45")
    assert result.returncode == 2 and "Traceback" not in result.stdout + result.stderr
    assert lines(result.stdout + result.stderr) == [
        "lpss generate: Invalid value for '--as-of': '2026-13-45' is not a date: use YYYY-MM-DD, "
        "e.g. 2026-06-15 (see lpss generate --help)"
    ]
    started = time.monotonic()
    result = lpss(tmp_path, "run")
    assert time.monotonic() - started < 30
    assert result.returncode == 2, result.stdout + result.stderr
    [said] = lines(result.stdout + result.stderr)
    assert said.startswith(f"Nothing to load: no complete export batch in {tmp_path / 'landing'}")
    assert "lpss generate" in said
    assert not (tmp_path / "warehouse.duckdb").exists() and not (tmp_path / "logs").exists()


def test_a_build_is_due_for_a_new_batch_a_load_since_or_a_configuration_change(tmp_path, monkeypatch):
    """build_state.py without Dagster: receipts and configuration files only."""
    from datetime import date

    from lpss_pipeline.build_state import build_state, configuration_fingerprint, record_build
    from lpss_pipeline.ingestion.landing import discover_batches
    from lpss_pipeline.ingestion.receipts import receipt_path
    from lpss_pipeline.synthetic.generate import generate_history

    settings = use(monkeypatch, settings_for(tmp_path)).ensure()
    assert build_state(settings).nothing_to_load
    written = generate_history(
        settings.landing_dir, settings.truth_dir, employees=20, months=1, as_of=date(2026, 6, 15)
    )
    assert build_state(settings).new_batches == len(written) == 2
    for batch in discover_batches(settings.landing_dir):  # receipts, as the ingest leaves them
        receipt = receipt_path(settings.receipts_dir, batch)
        receipt.parent.mkdir(parents=True, exist_ok=True)
        receipt.write_text(json.dumps({"manifest_sha256": batch.manifest_sha256, "status": "loaded"}))
    settings.warehouse_path.touch()
    settings.published_path.touch()
    state = build_state(settings)
    assert not state.new_batches and state.reason == "no build by lpss run recorded yet"
    record_build(settings, "1a2b3c4d" * 4, configuration_fingerprint(settings))
    assert build_state(settings).reason is None
    (settings.receipts_dir / "crm" / "2026-07-15T061500Z.json").write_text("{}")  # `lpss ingest` since
    assert build_state(settings).reason == "batches were loaded or refused since the last build"
    record_build(settings, "1a2b3c4d" * 4, configuration_fingerprint(settings))
    settings.config_dir.mkdir()
    (settings.config_dir / "lpss_parameters.csv").write_text("parameter,value\n")
    assert build_state(settings).reason == "the configuration changed since the last build"


def test_demo_accounts_keep_their_passwords_and_leave_a_changed_one_alone(tmp_path, monkeypatch):
    """create_demo_accounts again: nothing reset; a new pick moves the account, not its password."""
    import contextlib

    from argon2 import PasswordHasher

    from lpss_pipeline.dashboard import accounts, demo_accounts, store

    picks = {"executive": "E1", "hr_admin": "E2", "manager": "E3", "mentor": "E4", "leader": "E5"}

    class Marts:  # the published marts' picks, one per role in ROLE_PICKS' order
        def __init__(self):
            self.answers = iter(picks.values())

        def value(self, sql, **params):
            return next(self.answers)

    monkeypatch.setattr(demo_accounts, "reading", lambda published: contextlib.nullcontext(Marts()))
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024))  # fast
    db, target = tmp_path / "ops.sqlite", tmp_path / "demo_users.json"

    def create() -> dict[str, dict]:
        return {u["role"]: u for u in demo_accounts.create_demo_accounts(tmp_path, db, target)}

    first = create()
    assert [u["employee_id"] for u in first.values()] == list(picks.values())
    assert create() == first and json.loads(target.read_text()) == list(first.values())
    picks["manager"] = "E9"
    with store.connect(db) as con:
        accounts.set_account(con, "mentor", "E4", "set by the person")
        accounts.remove_account(con, "leader")
    again = create()
    assert again["manager"] == {**first["manager"], "employee_id": "E9"}
    assert again["mentor"] == {**first["mentor"], "password": None}
    assert again["leader"]["password"] not in (None, first["leader"]["password"])
    with store.connect(db) as con:
        assert accounts.authenticate(con, "manager", first["manager"]["password"])["employee_id"] == "E9"
        assert accounts.authenticate(con, "mentor", "set by the person") is not None
        assert accounts.authenticate(con, "executive", first["executive"]["password"]) is not None
