"""Batches are judged on their own (issue 18, SPEC sections 2 and 10).

A refused HRIS batch must not quarantine the same day's good CRM batch: the CRM batch, whose owner
e-mails match no good employee only because HRIS has no good batch of that day, is held (``waiting``)
and checked again; once a corrected HRIS batch passes, it passes and its revenue reaches staging.
Real loader and real checks (Great Expectations), no pipeline run.
"""

from __future__ import annotations

from datetime import date

from lpss_pipeline.ingestion.ledger import warehouse_states
from lpss_pipeline.quality.batch_frames import GOOD, BatchRef
from lpss_pipeline.quality.quarantine import WAITING
from tests.small_org import BATCH, employee, organisation

CRM_BATCH = "2026-06-15T070000Z"  # exported the same day as the HRIS batch
FIXED = "2026-06-15T080000Z"  # the corrected HRIS export


def revenue(emails: list[str]) -> list[dict]:
    return [
        {
            "owner_email": email,
            "month": date(2026, 5, 1),
            "revenue": 1000.0,
            "revenue_target": 900.0,
            "pipeline_value": 5000.0,
            "closed_deals": 3,
        }
        for email in emails
    ]


def ledger(wh) -> dict[tuple[str, str], tuple[str, str]]:
    tables = {"ops.ingested_batches", "ops.quarantined_batches"}
    return {k: (s.state, s.note) for k, s in warehouse_states(wh.con, tables).items()}


def good_revenue(wh) -> list[tuple]:
    """What staging reads of CRM revenue: rows of batches that meet batch_frames.GOOD."""
    return wh.con.execute(
        f'SELECT _batch_id, owner_email FROM raw."crm__team_revenue" WHERE {GOOD} ORDER BY ALL',
        {"system": "crm"},
    ).fetchall()


def test_a_refused_hris_batch_holds_the_same_days_crm_batch_until_a_corrected_one_passes(wh, tmp_path):
    from expectations.gx_run import GxRunner

    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    org = organisation()
    emails = [e["email"] for e in org["employees"][:5]]
    employee(org, "E6")["email"] = employee(org, "E5")["email"].upper()  # duplicated (case-insensitive)
    wh.land(org)
    wh.land({"team_revenue": revenue(emails)}, CRM_BATCH, "crm")

    [hris] = wh.check(runner, "hris")
    assert hris.quarantined
    [crm] = wh.check(runner, "crm")
    assert not crm.quarantined and crm.waiting
    assert f"hris/{BATCH} is refused or quarantined" in crm.waiting
    state, note = ledger(wh)[("crm", CRM_BATCH)]
    assert state == WAITING and "waiting for HRIS" in note
    assert good_revenue(wh) == [], "a held batch stays out of staging"
    alerts = wh.con.execute("SELECT alert_key FROM ops.alert_deliveries").fetchall()
    assert not any("crm" in key for (key,) in alerts), "a held batch is not announced as quarantined"

    # Nothing new: the CRM batch is checked again and keeps waiting (it is not forgotten).
    assert [v.waiting != "" for v in wh.check(runner, "crm")] == [True]

    # The corrected HRIS export lands and passes: the CRM batch passes and is released.
    wh.land(organisation(), FIXED)
    [fixed] = wh.check(runner, "hris")
    assert not fixed.quarantined
    [crm] = wh.check(runner, "crm")
    assert not crm.quarantined and not crm.waiting
    assert ledger(wh)[("crm", CRM_BATCH)][0] == "loaded"
    assert good_revenue(wh) == [(CRM_BATCH, e) for e in sorted(emails)]
    assert wh.check(runner, "crm") == [], "a released batch is not checked again"
    assert BatchRef("crm", CRM_BATCH).export_date == date(2026, 6, 15)


def test_crm_e_mails_matching_no_employee_of_a_good_hris_batch_still_quarantine(wh, tmp_path):
    """With HRIS settled (its latest batch passed), unmatched owner e-mails are the CRM batch's own fault."""
    from expectations.gx_run import GxRunner

    runner = GxRunner(tmp_path / "gx", tmp_path / "docs")
    wh.land(organisation())
    wh.land({"team_revenue": revenue([f"nobody{i}@example.org" for i in range(5)])}, CRM_BATCH, "crm")
    [hris] = wh.check(runner, "hris")
    assert not hris.quarantined
    [crm] = wh.check(runner, "crm")
    assert crm.quarantined and not crm.waiting
    assert ledger(wh)[("crm", CRM_BATCH)][0] == "quarantined"
