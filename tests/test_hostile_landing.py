"""The landing zone is read as plain files, nothing else (issue 18): symbolic links, pipes and folders
that are not batches are refused or reported, and nothing is read through them."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from lpss_pipeline.contract import ENTITIES, MANIFEST_NAME
from lpss_pipeline.ingestion.commands import batch_states
from lpss_pipeline.ingestion.loader import load_pending
from lpss_pipeline.mapping.batches import map_pending
from lpss_pipeline.mapping.spec import load_mapping
from lpss_pipeline.quality.quarantine import REASON_FILE, Quarantine
from tests.contract_rows import write_valid_batch
from tests.homes import settings_for, use
from tests.vendor_fixtures import FIXTURES, batch_folder

BATCH = "2026-01-01T060000Z"
PLAIN_ONLY = "the landing zone is read as plain files only"
SECRET = b"root:x:0:0:secret-marker:/root:/bin/bash\n"


@pytest.fixture
def zone(tmp_path):
    landing = tmp_path / "landing"
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield landing, con
    con.close()


def ingest(zone):
    landing, con = zone
    return load_pending(con, landing, landing.parent / "receipts", Quarantine(landing.parent / "quarantine"))


def raw_rows(con) -> int:
    tables = [e.raw_table for e in ENTITIES.values()]
    return sum(con.execute(f'SELECT count(*) FROM raw."{t}"').fetchone()[0] for t in tables)


def quarantined(zone) -> tuple[Path, dict]:
    folder = zone[0].parent / "quarantine" / BATCH
    return folder, json.loads((folder / REASON_FILE).read_text())


def assert_nothing_copied_through(folder: Path, *secrets: bytes) -> None:
    for path in folder.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            assert not any(secret in path.read_bytes() for secret in secrets), path


def test_a_link_to_a_valid_csv_outside_is_refused_and_not_loaded(zone):
    landing, con = zone
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    outside = landing.parent / "elsewhere" / "employees.csv"
    outside.parent.mkdir()
    shutil.move(batch / "employees.csv", outside)  # the manifest's checksum still matches the target
    (batch / "employees.csv").symlink_to(outside)

    [result] = ingest(zone).results
    assert result.status == "refused"
    [finding] = result.error.findings
    assert finding.file == f"hris/{BATCH}/employees.csv"
    assert finding.message == f"employees.csv is a symbolic link; {PLAIN_ONLY}"
    assert raw_rows(con) == 0
    folder, reason = quarantined(zone)
    assert not (folder / "employees.csv").exists() and reason["not_copied"] == ["employees.csv"]
    assert (folder / "departments.csv").is_file()  # the plain files are kept
    assert_nothing_copied_through(folder, outside.read_bytes())
    assert con.execute("SELECT count(*) FROM ops.quarantined_batches").fetchone()[0] == 1
    assert ingest(zone).results[0].status == "quarantined"  # refused once, not again every run


@pytest.mark.parametrize("target", ["secret", "/etc/passwd"])
def test_a_link_to_a_system_file_is_refused_and_never_copied_to_quarantine(zone, target):
    landing, con = zone
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    secrets = [SECRET]
    if target == "secret":
        target = landing.parent / "passwd"
        target.write_bytes(SECRET)
    elif not Path(target).is_file():
        pytest.skip("no /etc/passwd here")
    else:
        secrets.append(Path(target).read_bytes()[:64])
    (batch / "employees.csv").unlink()
    (batch / "employees.csv").symlink_to(target)

    [result] = ingest(zone).results
    assert result.status == "refused"
    assert [str(f) for f in result.error.findings] == [
        f"hris/{BATCH}/employees.csv: employees.csv is a symbolic link; {PLAIN_ONLY}"
    ]
    assert raw_rows(con) == 0
    folder, reason = quarantined(zone)
    assert not (folder / "employees.csv").exists()
    assert_nothing_copied_through(folder, *secrets)
    assert reason["findings"][0]["check"] == "landing_zone"


def test_a_linked_manifest_or_batch_folder_is_refused_unread(zone):
    landing, con = zone
    elsewhere = write_valid_batch(landing.parent / "elsewhere", "hris", BATCH, rows=3)
    (landing / "hris").mkdir(parents=True)
    (landing / "hris" / BATCH).symlink_to(elsewhere, target_is_directory=True)
    [result] = ingest(zone).results
    assert result.status == "refused"
    [finding] = result.error.findings
    assert finding.message == f"the batch folder is a symbolic link; {PLAIN_ONLY}"
    folder, reason = quarantined(zone)
    assert sorted(p.name for p in folder.iterdir()) == [REASON_FILE] and reason["not_copied"] == ["."]

    (landing / "hris" / BATCH).unlink()
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    (batch / MANIFEST_NAME).unlink()
    (batch / MANIFEST_NAME).symlink_to(elsewhere / MANIFEST_NAME)
    [result] = ingest(zone).results
    assert result.status == "refused"
    assert [f.message for f in result.error.findings] == [f"{MANIFEST_NAME} is a symbolic link; {PLAIN_ONLY}"]
    assert raw_rows(con) == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_being_opened(zone):
    landing, con = zone
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    (batch / "employees.csv").unlink()
    os.mkfifo(batch / "employees.csv")
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(ingest(zone)), daemon=True)
    worker.start()
    worker.join(60)
    assert outcome, "the ingest blocked on the pipe: it was opened"
    [result] = outcome[0].results
    assert result.status == "refused"
    assert [f.message for f in result.error.findings] == [
        f"employees.csv is a named pipe (FIFO); {PLAIN_ONLY}"
    ]
    folder, reason = quarantined(zone)
    assert not (folder / "employees.csv").exists() and reason["not_copied"] == ["employees.csv"]
    assert raw_rows(con) == 0


def test_a_folder_inside_a_batch_is_noted_and_left_unread_and_the_batch_loads(zone):
    landing, con = zone
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    (batch / "attachments").mkdir()
    (batch / "attachments" / "employees.csv").write_bytes(SECRET)
    (batch / "extra.csv").mkdir()
    [result] = ingest(zone).results
    assert result.status == "loaded" and result.rows["employees"] == 3
    assert sorted((n.file, n.check, n.blocking) for n in result.notes) == [
        (f"hris/{BATCH}/attachments/", "folder_in_batch", False),
        (f"hris/{BATCH}/extra.csv/", "folder_in_batch", False),
    ]
    names = con.execute("select full_name from raw.hris__employees").fetchall()
    assert len(names) == 3 and not any("secret" in name for (name,) in names)


def test_a_folder_that_is_not_a_batch_id_is_reported_once_and_listed_ignored(tmp_path, monkeypatch):
    settings = use(monkeypatch, settings_for(tmp_path / "home")).ensure()
    landing = settings.landing_dir
    write_valid_batch(landing, "hris", BATCH, rows=3)
    for name in (f"{BATCH}..", "not-a-timestamp", "2026-13-45T999999Z"):
        write_valid_batch(landing, "hris", BATCH, rows=3).rename(landing / "hris" / name)
        write_valid_batch(landing, "hris", BATCH, rows=3)  # the good one again, in place
    zone = (landing, duckdb.connect(str(settings.warehouse_path)))
    try:
        first = ingest(zone)
        assert [r.status for r in first.results] == ["loaded"]
        assert sorted(f.file for f in first.ignored) == [
            f"hris/{BATCH}..",
            "hris/2026-13-45T999999Z",
            "hris/not-a-timestamp",
        ]
        assert all(not f.blocking and "is not a batch id" in f.message for f in first.ignored)
        assert ingest(zone).ignored == []  # reported once
        loaded = zone[1].execute("SELECT DISTINCT _batch_id FROM raw.hris__employees").fetchall()
        assert loaded == [(BATCH,)]
    finally:
        zone[1].close()
    states = {(s.system, s.batch_id): s for s in batch_states(settings)}
    assert states[("hris", "not-a-timestamp")].state == "ignored"
    assert "is not a batch id" in states[("hris", f"{BATCH}..")].note
    assert states[("hris", BATCH)].state == "loaded"


@pytest.mark.parametrize(
    ("duplicate", "key"),
    [
        (lambda text: text.replace('{"batch_id": ', '{"system": "crm", "batch_id": ', 1), "system"),
        (lambda text: text.replace('"files": {', '"files": {"employees": {}, ', 1), "employees"),
    ],
)
def test_a_manifest_with_a_duplicate_key_is_refused_naming_it(zone, duplicate, key):
    landing, con = zone
    batch = write_valid_batch(landing, "hris", BATCH, rows=3)
    manifest = json.dumps(json.loads((batch / MANIFEST_NAME).read_text()))
    changed = duplicate(manifest)
    assert changed != manifest
    (batch / MANIFEST_NAME).write_text(changed)
    [result] = ingest(zone).results
    assert result.status == "refused"
    [finding] = result.error.findings
    assert finding.file == f"hris/{BATCH}/{MANIFEST_NAME}"
    assert f"the key {key!r} more than once" in finding.message
    assert raw_rows(con) == 0


def test_a_vendor_batch_holding_a_link_is_refused_unread_and_not_mapped(zone):
    landing, con = zone
    fixture = batch_folder("bamboohr")
    folder = landing / "bamboohr" / fixture.name
    shutil.copytree(fixture, folder)
    victim = sorted(p for p in folder.iterdir() if p.suffix == ".csv")[0]
    secret = landing.parent / "passwd"
    secret.write_bytes(SECRET)
    victim.unlink()
    victim.symlink_to(secret)
    mapping = load_mapping(FIXTURES / "bamboohr" / "mapping.yaml", "bamboohr")
    quarantine = Quarantine(landing.parent / "quarantine")

    [result] = map_pending(con, mapping, landing, landing.parent / "receipts", quarantine)
    assert result.status == "refused"
    assert [f.message for f in result.findings] == [f"{victim.name} is a symbolic link; {PLAIN_ONLY}"]
    assert not (landing / mapping.system).exists()  # no contract batch written
    copy = landing.parent / "quarantine" / result.vendor.batch_id
    assert not (copy / victim.name).exists()
    assert_nothing_copied_through(copy, SECRET)
    assert map_pending(con, mapping, landing, landing.parent / "receipts", quarantine) == []  # handled


# --- e-mails compared as e-mails (issue 18): NFKC, case-folded, trimmed --------------------------------

# (the e-mail already in the batch, its twin): the same e-mail once NFKC-normalised, case-folded, trimmed
EMAIL_TWINS = {
    "upper case": ("e5@example.org", "E5@EXAMPLE.ORG"),
    "fullwidth": ("anna@example.org", "ａｎｎａ@ｅｘａｍｐｌｅ.org"),
    "sharp s": ("straße@example.org", "STRASSE@example.org"),
    "trailing spaces": ("e5@example.org", "e5@example.org   "),
    "ligature": ("finn@example.org", "ﬁnn@example.org"),
}


def test_an_e_mail_key_folds_compatibility_forms_case_and_spaces_and_nothing_else():
    from lpss_pipeline.contract.emails import email_key

    for kept, twin in EMAIL_TWINS.values():
        assert email_key(kept) == email_key(twin), (kept, twin)
    # Case folding is not a transliteration: a dotless ı stays itself, a dotted İ keeps its dot.
    assert email_key("anıl@example.org") != email_key("anil@example.org")
    assert email_key("İlse@example.org") != email_key("ilse@example.org")


def integrity(wh, tmp_path, system: str):
    from expectations.gx_run import GxRunner

    return wh.check(GxRunner(tmp_path / "gx", tmp_path / "docs"), system)


@pytest.mark.parametrize("twin", sorted(EMAIL_TWINS))
def test_an_hris_batch_with_an_e_mail_twin_is_refused_naming_file_rows_column_and_rule(wh, tmp_path, twin):
    from tests.small_org import employee, organisation

    kept, copy = EMAIL_TWINS[twin]
    org = organisation()
    employee(org, "E5")["email"] = kept  # row 5
    employee(org, "E6")["email"] = copy  # row 6
    batch = wh.land(org)
    [validation] = integrity(wh, tmp_path, "hris")
    assert validation.quarantined
    [finding] = [f for f in validation.all_findings if f.check == "unique_case_insensitive"]
    assert finding.blocking and finding.file == f"{batch.label}/employees" and finding.column == "email"
    assert finding.rows == (5, 6) and finding.affected == 2
    assert str(finding).startswith(
        f"{batch.label}/employees rows 5, 6, column email: email unique as e-mails"
    )
    assert wh.con.execute("SELECT stage FROM ops.quarantined_batches").fetchall() == [
        ("data_integrity_checks",)
    ]


def test_crm_owner_e_mails_differing_in_case_width_or_spaces_match_their_employee(wh, tmp_path):
    from tests.small_org import employee, organisation
    from tests.test_cross_system import CRM_BATCH, revenue

    org = organisation()
    employee(org, "E2")["email"] = "straße@example.org"
    wh.land(org)
    employee_of = {"E1@EXAMPLE.ORG": "E1", "STRASSE@example.org  ": "E2", " ｅ３@Example.Org\t": "E3"}
    wh.land({"team_revenue": revenue(list(employee_of))}, CRM_BATCH, "crm")
    assert not integrity(wh, tmp_path, "hris")[0].quarantined
    [crm] = integrity(wh, tmp_path, "crm")
    assert not crm.quarantined and not crm.waiting
    assert not [f for f in crm.all_findings if f.check == "crm_email_match"], crm.all_findings
    # dbt staging joins on the same stored keys (email_normalized = owner_email_normalized).
    matched = wh.con.execute(
        "SELECT t.owner_email, e.employee_id FROM raw.crm__team_revenue AS t "
        "JOIN raw.hris__employees AS e ON e._email_normalized = t._owner_email_normalized"
    ).fetchall()
    assert dict(matched) == employee_of


# --- a refusal is summarised, not printed whole (issue 18) -------------------------------------------


def test_thousands_of_findings_are_summarised_in_a_few_kb_and_kept_whole_in_the_quarantine(zone):
    from lpss_pipeline.alerting.deliveries import planned_for
    from lpss_pipeline.config import channel
    from lpss_pipeline.contract import entities_of
    from lpss_pipeline.synthetic.batch_writer import write_batch
    from tests.contract_rows import valid_table
    from tests.test_ingestion import rewrite

    landing, con = zone
    rows = {e.name: 3000 if e.name == "departments" else 6 for e in entities_of("hris")}
    tables = {e.name: valid_table(e, rows[e.name]) for e in entities_of("hris")}
    batch = write_batch(landing, "hris", BATCH, tables)
    extra = [f"x{i:04d}" for i in range(1, 5001)]  # 5,000 columns the contract does not know

    def widen(data: bytes) -> bytes:
        head, *body = data.rstrip(b"\n").split(b"\n")
        head += b"," + ",".join(f'"{c}"' for c in extra).encode()
        return b"\n".join([head, *(line + b"," * len(extra) for line in body)]) + b"\n"

    rewrite(batch, "employees", widen)
    rewrite(batch, "departments", lambda data: data.replace(b",true", b",maybe"))  # every other row

    [result] = ingest(zone).results
    assert result.status == "refused" and len(result.error.findings) == 5001
    message = str(result.error)
    assert len(message.encode()) < 4000, len(message.encode())
    assert message.startswith(
        f"batch hris/{BATCH} refused, nothing of it was loaded: 5,001 findings (export_contract 5,001); "
        "the first 5 of each kind, every one in "
    )
    for c in extra[:5]:
        assert (
            f"hris/{BATCH}/employees.csv, column {c}: column is not in the hris/employees contract" in message
        )
    assert extra[5] not in message and "and 4,995 more like it" in message
    assert (
        f"hris/{BATCH}/departments.csv rows 1, 3, 5, 7, 9 (1500 rows in all), column is_revenue_generating: "
        "'maybe' is not true or false"
    ) in message
    folder, reason = quarantined(zone)
    assert str(folder / REASON_FILE) in message
    assert len(reason["findings"]) == 5001, "the quarantine keeps every finding"
    assert (
        json.loads((zone[0].parent / "receipts" / "hris" / f"{BATCH}.json").read_text())["error"] == message
    )

    [alert] = [a["message"] for a in planned_for(con, channel("data"))]  # the Slack data-channel alert
    assert len(alert) < 3000 and "export_contract 5,001" in alert and str(folder / REASON_FILE) in alert
    assert f"hris/{BATCH}/employees.csv, column x0001" in alert and "departments.csv rows 1, 3" in alert


def test_a_huge_value_is_quoted_cut_in_the_message():
    from lpss_pipeline.ingestion.errors import LINE_CHARS, BatchRefused, Finding

    huge = Finding("hris/B/goal_attainment.csv", f"{'9' * 1_000_000!r} is not a number", "x", (1,), 1)
    message = str(BatchRefused("hris/B", [huge]))
    assert len(message) < LINE_CHARS + 100, len(message)
    assert message.startswith(
        "batch hris/B refused, nothing of it was loaded:\n  - hris/B/goal_attainment.csv row 1, "
    )
    assert "characters cut)" in message and message.endswith("999' is not a number")
